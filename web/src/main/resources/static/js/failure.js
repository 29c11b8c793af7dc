// Failures nobody waits for (a background save, a best-effort request) leave a trace in the console for support
// staff instead of vanishing; a warning, not an error, since the screen carries on without them.

/** A rejection handler that logs the error under context and swallows it. */
export function logFailure(context) {
  return (error) => {
    console.warn(`[tabib] ${context}`, error);
  };
}
