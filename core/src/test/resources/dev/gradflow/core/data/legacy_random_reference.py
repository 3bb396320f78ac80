#!/usr/bin/env python3
"""Reference values for LegacyRandomTest and NnfsDatasetsTest, from Python's standard library alone.

Run it with any Python 3 (no NumPy needed):

    python3 core/src/test/resources/dev/gradflow/core/data/legacy_random_reference.py

and copy what it prints into the tests; the tests never run Python.

Why this is an independent oracle: Python's `random` module is CPython's own C implementation of MT19937
(Modules/_randommodule.c). Its `seed()` uses init_by_array, which NumPy's `np.random.seed(int)` does not, so this
script fills the state by Knuth's rule itself (the part shared with the Java code is that one formula) and hands it
over with `random.setstate`. From there CPython's C code produces the 32-bit outputs (`getrandbits(32)`) and the
53-bit doubles (`random()`: (a >> 5, b >> 6) combined as (a·2^26 + b) / 2^53, the very formula of NumPy's legacy
generator). The Gaussian draws below use `random.random()` with the C library's `log` and `sqrt` (glibc here),
and the data sets use the C library's `sin` and `cos`, so they check the Java code's StrictMath (fdlibm) against
the libm that NumPy calls on Linux. float32 rounding is done by `struct` (IEEE round-to-nearest-even).
"""
import hashlib
import math
import random
import struct

N = 624


def knuth_state(seed):
    """NumPy's mt19937_seed: key[0] = seed, key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i (mod 2^32)."""
    key = [seed & 0xFFFFFFFF]
    for i in range(1, N):
        previous = key[-1]
        key.append((1812433253 * (previous ^ (previous >> 30)) + i) & 0xFFFFFFFF)
    return key


def generator(seed):
    """A CPython MT19937 in NumPy's freshly seeded state: Knuth's words, position 624 (regenerate first)."""
    rng = random.Random()
    rng.setstate((3, tuple(knuth_state(seed)) + (N,), None))
    return rng


class LegacyGauss:
    """NumPy's legacy_gauss: Marsaglia's polar method, the second value cached across calls."""

    def __init__(self, rng):
        self.rng = rng
        self.cached = None

    def next(self):
        if self.cached is not None:
            value, self.cached = self.cached, None
            return value
        while True:
            x1 = 2.0 * self.rng.random() - 1.0
            x2 = 2.0 * self.rng.random() - 1.0
            r2 = x1 * x1 + x2 * x2
            if 0.0 < r2 < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        self.cached = f * x1
        return f * x2

    def many(self, count):
        return [self.next() for _ in range(count)]


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def f32_bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def linspace(start, stop, num):
    """numpy.linspace with endpoint: start + i * ((stop - start) / (num - 1)), the last point exactly stop."""
    if num == 1:
        return [float(start)]
    step = (stop - start) / (num - 1)
    points = [i * step + start for i in range(num)]
    points[-1] = float(stop)
    return points


def spiral_data(samples, classes, gauss):
    rows, ids = [], []
    for c in range(classes):
        r = linspace(0.0, 1.0, samples)
        noise = [f32(f32(g) * f32(0.2)) for g in gauss.many(samples)]
        t = [a + b for a, b in zip(linspace(c * 4, (c + 1) * 4, samples), noise)]
        for i in range(samples):
            rows.append((f32(r[i] * math.sin(t[i] * 2.5)), f32(r[i] * math.cos(t[i] * 2.5))))
            ids.append(c)
    return rows, ids


def vertical_data(samples, classes, gauss):
    rows, ids = [], []
    for c in range(classes):
        xs = [f32(f32(f32(g) * f32(0.1)) + f32(c / 3)) for g in gauss.many(samples)]
        ys = [f32(f32(f32(g) * f32(0.1)) + f32(0.5)) for g in gauss.many(samples)]
        rows.extend(zip(xs, ys))
        ids.extend([c] * samples)
    return rows, ids


def dense_weights(inputs, units, gauss):
    return [f32(f32(0.01) * f32(g)) for g in gauss.many(inputs * units)]


def sha256_floats(values):
    """SHA-256 of the values as big-endian float32 bit patterns, in order."""
    return hashlib.sha256(b''.join(struct.pack('>f', v) for v in values)).hexdigest()


def sha256_doubles(values):
    return hashlib.sha256(b''.join(struct.pack('>d', v) for v in values)).hexdigest()


def main():
    print('# Knuth-seeded state, seed 0: words 0..3 and 623')
    key = knuth_state(0)
    print([hex(w) for w in key[:4]], hex(key[623]))

    for seed in (0, 1, 12345, 4294967295):
        rng = generator(seed)
        outputs = [rng.getrandbits(32) for _ in range(1250)]
        print(f'# seed {seed}: uint32 outputs 0..4, 623, 624, 1247, 1248 (two regenerations)')
        print(outputs[:5], outputs[623], outputs[624], outputs[1247], outputs[1248])

    for seed in (0, 1):
        rng = generator(seed)
        print(f'# seed {seed}: random() 0..2 and 999')
        values = [rng.random() for _ in range(1000)]
        print([repr(v) for v in values[:3]], repr(values[999]))

    gauss = LegacyGauss(generator(0))
    values = gauss.many(1001)
    print('# seed 0: standard normals 0..9, 10..11, 1000 (C library log, sqrt)')
    print([repr(v) for v in values[:10]])
    print([repr(v) for v in values[10:12]], repr(values[1000]))

    # nnfs.init(); X, y = spiral_data(100, 3); dense1 = Layer_Dense(2, 3); dense2 = Layer_Dense(3, 3)
    gauss = LegacyGauss(generator(0))
    rows, ids = spiral_data(100, 3, gauss)
    flat = [v for row in rows for v in row]
    print('# spiral_data(100, 3) after seed 0: rows 0..4, 100, 299 as float32 bits; SHA-256 of X')
    for i in (0, 1, 2, 3, 4, 100, 299):
        print(i, repr(rows[i][0]), repr(rows[i][1]), hex(f32_bits(rows[i][0])), hex(f32_bits(rows[i][1])))
    print(sha256_floats(flat))
    weights1 = dense_weights(2, 3, gauss)
    weights2 = dense_weights(3, 3, gauss)
    print('# then Layer_Dense(2, 3).weights and Layer_Dense(3, 3).weights, float32 bits')
    print([hex(f32_bits(w)) for w in weights1])
    print([hex(f32_bits(w)) for w in weights2])
    print('# chapter 3: dense1.output[:5] = f32(X . W) with float64 products and sums')
    for i in range(5):
        print(['%.7e' % f32(rows[i][0] * weights1[j] + rows[i][1] * weights1[3 + j]) for j in range(3)])

    rows, ids = vertical_data(100, 3, LegacyGauss(generator(0)))
    print('# vertical_data(100, 3) after seed 0: rows 0, 100, 299; SHA-256 of X')
    for i in (0, 100, 299):
        print(i, repr(rows[i][0]), repr(rows[i][1]), hex(f32_bits(rows[i][0])), hex(f32_bits(rows[i][1])))
    print(sha256_floats([v for row in rows for v in row]))

    x = [i / 1000 for i in range(1000)]
    y = [math.sin(2 * math.pi * v) for v in x]
    print('# sine_data(1000): y[1], y[34], y[999]; SHA-256 of X then of y (float64 bits)')
    print(repr(y[1]), repr(y[34]), repr(y[999]))
    print(sha256_doubles(x), sha256_doubles(y))


if __name__ == '__main__':
    main()
