package dev.gradflow.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void theSameLengthOnTheSameThreadGivesTheSameArray() {
        float[] first = Scratch.floats(1000);
        assertThat(first).hasSize(1000);
        assertThat(Scratch.floats(1000)).isSameAs(first);
        double[] doubles = Scratch.doubles(1000);
        assertThat(Scratch.doubles(1000)).isSameAs(doubles);
    }

    @Test
    void keepsTheFourMostRecentlyUsedLengths() {
        float[] a = Scratch.floats(11);
        float[] b = Scratch.floats(12);
        float[] c = Scratch.floats(13);
        float[] d = Scratch.floats(14);
        assertThat(Scratch.floats(11)).isSameAs(a); // now the most recent: 11, 14, 13, 12
        float[] e = Scratch.floats(15); // drops 12, the least recently used
        assertThat(Scratch.floats(12)).isNotSameAs(b).hasSize(12); // and this drops 13
        assertThat(Scratch.floats(11)).isSameAs(a);
        assertThat(Scratch.floats(14)).isSameAs(d);
        assertThat(Scratch.floats(15)).isSameAs(e);
        assertThat(Scratch.floats(13)).isNotSameAs(c);
    }

    @Test
    void otherThreadsGetTheirOwnArraysAndLargeOnesAreNeverKept() throws Exception {
        float[] mine = Scratch.floats(500);
        float[] theirs = CompletableFuture.supplyAsync(() -> Scratch.floats(500)).get();
        assertThat(theirs).isNotSameAs(mine).hasSize(500);
        int large = (1 << 20) + 1;
        assertThat(Scratch.doubles(large)).isNotSameAs(Scratch.doubles(large)).hasSize(large);
    }
}
