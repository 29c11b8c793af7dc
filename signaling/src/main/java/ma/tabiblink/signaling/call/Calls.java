package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.session.SessionRegistry;
import ma.tabiblink.signaling.video.VideoBroker;

import java.time.Clock;

/**
 * The calls of one node: how they come about ({@link CallRouting}), what happens once both members are in them
 * ({@link EstablishedCall}), and their video ({@link CallVideo}).
 */
public record Calls(CallRouting routing, EstablishedCall established, CallVideo video) {

    public static Calls of(SignalingConfig config, ClusterState cluster, SessionRegistry sessions, VideoBroker broker,
                           AppointmentDirectory appointments, PatientAccess patients, EventDispatcher events,
                           Clock clock) {
        KnownCalls known = new KnownCalls(cluster);
        CallQueue queue = new CallQueue(config, cluster, sessions, events, patients, clock);
        CallVideo video = new CallVideo(config, cluster, sessions, broker, appointments, known,
                new GuestLinks(cluster, broker, events, clock), clock);
        EstablishedCall established = new EstablishedCall(cluster, sessions, known, video, queue, events, clock);
        CallRouting routing = new CallRouting(config, cluster, sessions, appointments, patients, queue, established,
                events, clock);
        return new Calls(routing, established, video);
    }
}
