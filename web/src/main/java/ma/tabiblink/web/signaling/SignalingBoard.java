package ma.tabiblink.web.signaling;

import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ma.tabiblink.signaling.SignalingView;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.web.board.BoardContributor;
import ma.tabiblink.web.board.LiveBoard;

/** The signalling sections of the coordinators' live board: specialists online, queues, calls in progress. */
@Configuration(proxyBeanMethods = false)
class SignalingBoard {

    @Bean
    BoardContributor onlineSpecialists(EmbeddedSignaling signaling) {
        return contributor("online", () -> signaling.view().specialists());
    }

    @Bean
    BoardContributor specialtyQueues(EmbeddedSignaling signaling) {
        return contributor("queues", () -> signaling.view().queues().stream()
                .map(q -> Map.of("specialty", q.specialty(), "length", q.length(),
                        "longestWaitSeconds", q.longestWait().toSeconds()))
                .toList());
    }

    @Bean
    BoardContributor callsInProgress(EmbeddedSignaling signaling) {
        return contributor("calls", () -> {
            SignalingView view = signaling.view();
            List<SignalingView.SpecialistPresence> inCall = view.specialists().stream()
                    .filter(s -> s.callId() != null).toList();
            return Map.of("inProgress", view.callsInProgress(), "specialistsInCall", inCall);
        });
    }

    /** Every call, presence or queue change refreshes the board. */
    @Bean
    CallEventListener boardRefreshOnSignalingEvents(ObjectProvider<LiveBoard> board) {
        return (SignalingEvent event) -> board.getObject().changed();
    }

    private static BoardContributor contributor(String section, java.util.function.Supplier<Object> snapshot) {
        return new BoardContributor() {
            @Override
            public String section() {
                return section;
            }

            @Override
            public Object snapshot() {
                return snapshot.get();
            }
        };
    }
}
