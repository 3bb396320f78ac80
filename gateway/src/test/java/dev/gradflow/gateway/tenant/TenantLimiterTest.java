package dev.gradflow.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each tenant's token bucket and bytes in flight, on a clock the test moves. */
class TenantLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TenantLimiter limiter = new TenantLimiter(now::get);

    private static Tenant tenant(String name, double perSecond, int burst, long bytes) {
        return new Tenant(name, new TenantLimits(perSecond, burst, bytes), false);
    }

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void aBurstThenTheRateWithRetryAfterUntilTheNextToken() {
        Tenant a = tenant("a", 2, 3, 1000);

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(a, 0).admitted()).isTrue();
        }
        TenantLimiter.Admission refused = limiter.admit(a, 0);
        assertThat(refused.reason()).isEqualTo(TenantLimiter.Reason.RATE);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);

        advanceMillis(499);
        assertThat(limiter.admit(a, 0).reason()).isEqualTo(TenantLimiter.Reason.RATE);
        advanceMillis(2);
        assertThat(limiter.admit(a, 0).admitted()).isTrue();
        assertThat(limiter.admit(a, 0).admitted()).isFalse();
    }

    @Test
    void retryAfterIsTheWholeSecondsToTheNextToken() {
        Tenant slow = tenant("slow", 0.25, 1, 1000);

        assertThat(limiter.admit(slow, 0).admitted()).isTrue();
        assertThat(limiter.admit(slow, 0).retryAfterSeconds()).isEqualTo(4);
        advanceMillis(2500);
        assertThat(limiter.admit(slow, 0).retryAfterSeconds()).isEqualTo(2);
    }

    @Test
    void oneTenantsFloodLeavesTheOthersTheirOwnAllowance() {
        Tenant flood = tenant("flood", 1, 5, 1000);
        Tenant quiet = tenant("quiet", 1, 5, 1000);

        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            admitted += limiter.admit(flood, 100).admitted() ? 1 : 0;
        }

        assertThat(admitted).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(quiet, 200).admitted()).isTrue();
        }
        assertThat(limiter.bytesInFlight("quiet")).isEqualTo(1000);
        assertThat(limiter.bytesInFlight("flood")).isEqualTo(500);
    }

    @Test
    void bytesInFlightAreHeldUntilReleasedAndABodyLargerThanTheLimitIsRefusedForGood() {
        Tenant a = tenant("a", 1000, 1000, 1000);

        assertThat(limiter.admit(a, 600).admitted()).isTrue();
        TenantLimiter.Admission refused = limiter.admit(a, 500);
        assertThat(refused.reason()).isEqualTo(TenantLimiter.Reason.BYTES_IN_FLIGHT);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(limiter.admit(a, 400).admitted()).isTrue();
        assertThat(limiter.bytesInFlight("a")).isEqualTo(1000);
        assertThat(limiter.admit(a, 0).admitted()).as("a request without a body needs no bytes").isTrue();

        limiter.release("a", 600);
        assertThat(limiter.admit(a, 500).admitted()).isTrue();
        assertThat(limiter.admit(a, 1001).reason()).isEqualTo(TenantLimiter.Reason.BODY_OVER_LIMIT);
        limiter.release("a", 400);
        limiter.release("a", 500);
        assertThat(limiter.bytesInFlight("a")).isZero();
    }

    @Test
    void aRefusedRequestCostsNoToken() {
        Tenant a = tenant("a", 1, 1, 100);

        assertThat(limiter.admit(a, 101).reason()).isEqualTo(TenantLimiter.Reason.BODY_OVER_LIMIT);
        assertThat(limiter.admit(a, 100).admitted()).isTrue();
        advanceMillis(1000);
        assertThat(limiter.admit(a, 1).reason()).isEqualTo(TenantLimiter.Reason.BYTES_IN_FLIGHT);
        limiter.release("a", 100);
        assertThat(limiter.admit(a, 1).admitted()).as("the token the refusal did not take").isTrue();
    }

    @Test
    void newLimitsFromAReloadedFileApplyAtOnce() {
        assertThat(limiter.admit(tenant("a", 1, 10, 1000), 0).admitted()).isTrue();

        Tenant lowered = tenant("a", 1, 2, 1000);
        assertThat(limiter.admit(lowered, 0).admitted()).isTrue();
        assertThat(limiter.admit(lowered, 0).admitted()).isTrue();
        assertThat(limiter.admit(lowered, 0).admitted()).as("the bucket shrank to the new burst").isFalse();
    }
}
