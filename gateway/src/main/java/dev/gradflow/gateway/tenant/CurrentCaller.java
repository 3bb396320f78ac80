package dev.gradflow.gateway.tenant;

import jakarta.enterprise.context.RequestScoped;

/** The {@link Caller} of the request being served, set by the API-key filter before any resource runs. */
@RequestScoped
public class CurrentCaller {
    private Caller caller;

    public void set(Caller caller) {
        this.caller = caller;
    }

    /** @throws IllegalStateException when the filter did not run: nothing is served without knowing who asks */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no caller: the API-key filter did not run for this request");
        }
        return caller;
    }
}
