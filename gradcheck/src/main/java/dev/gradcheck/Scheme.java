package dev.gradcheck;

/** The finite-difference scheme used for numeric derivatives. */
public enum Scheme {
    /** (f(x+h) − f(x−h)) / 2h; error O(h²). The default. */
    CENTRAL,
    /** The fourth-order five-point stencil (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h. */
    FIVE_POINT,
    /**
     * Ridders' extrapolation of central differences over a shrinking sequence of steps, which also
     * returns an error estimate per entry; reaches ~1e-12 relative accuracy on smooth functions.
     */
    RIDDERS
}
