package io.jwsgi.sample;

import java.util.BitSet;

/** Counts primes in ranges below a bound with a segmented sieve: the "computation" of {@link StreamApp}. */
final class PrimeCounter {

    private final int[] basePrimes;

    /** @param bound every range counted ends at or below it */
    PrimeCounter(long bound) {
        int root = (int) Math.sqrt((double) bound) + 1;
        BitSet composite = new BitSet(root + 1);
        int[] found = new int[root + 1];
        int n = 0;
        for (int i = 2; i <= root; i++) {
            if (!composite.get(i)) {
                found[n++] = i;
                for (long j = (long) i * i; j <= root; j += i) {
                    composite.set((int) j);
                }
            }
        }
        basePrimes = java.util.Arrays.copyOf(found, n);
    }

    /** The number of primes {@code p} with {@code from <= p < to}. */
    int count(long from, long to) {
        long lo = Math.max(from, 2);
        if (lo >= to) {
            return 0;
        }
        BitSet composite = new BitSet((int) (to - lo));
        for (int p : basePrimes) {
            if ((long) p * p >= to) {
                break;
            }
            long first = Math.max((long) p * p, (lo + p - 1) / p * p);
            for (long j = first; j < to; j += p) {
                composite.set((int) (j - lo));
            }
        }
        return (int) (to - lo) - composite.cardinality();
    }
}
