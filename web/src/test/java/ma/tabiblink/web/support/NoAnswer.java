package ma.tabiblink.web.support;

/**
 * A request whose connection closed before a single byte of answer came back. Behind nginx this is not a node
 * failing (nginx would answer 502): it is nginx's old worker, on the reload that takes a node out of service, closing
 * a client connection it held with no request read yet. The request reached no node, so a client may send it again;
 * the load clients do once, and count it.
 */
public final class NoAnswer {

    private NoAnswer() {
    }

    public static boolean closedBeforeAnyAnswer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("header parser received no bytes")) {
                return true;
            }
        }
        return false;
    }
}
