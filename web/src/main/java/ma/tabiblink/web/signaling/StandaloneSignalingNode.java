package ma.tabiblink.web.signaling;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Profile;

import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.auth.TokenConfiguration;
import ma.tabiblink.web.config.TabibConfiguration;
import ma.tabiblink.web.redis.RedisConfiguration;

/**
 * A signalling node without the web application ({@code TABIB_MODE=signaling}), for scale-out: it shares Redis and
 * the access-token key with the other nodes, and serves only the signalling WebSocket. It never runs in demo mode,
 * since a node with its own embedded Redis could not share calls with anyone.
 */
@Configuration(proxyBeanMethods = false)
@Profile(StandaloneSignalingNode.PROFILE)
@Import({TabibConfiguration.class, RedisConfiguration.class, TokenConfiguration.class, SignalingConfiguration.class,
        AccountRepository.class})
public class StandaloneSignalingNode {

    /** Keeps this configuration out of the web application, whose package scan would otherwise find it. */
    public static final String PROFILE = "standalone-signaling-node";

    public static void run(String[] args) {
        String[] withoutDemo = java.util.Arrays.copyOf(args, args.length + 1);
        withoutDemo[args.length] = "--tabib.demo=false";
        new SpringApplicationBuilder(StandaloneSignalingNode.class)
                .web(WebApplicationType.NONE)
                .profiles(PROFILE)
                .run(withoutDemo);
    }
}
