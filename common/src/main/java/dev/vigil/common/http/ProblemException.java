package dev.vigil.common.http;

/** Thrown by a handler to answer with a problem; the server renders it as application/problem+json. */
public final class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
