"""Writes the .npy fixtures that NpyFormatTest reads, so the tests check NumPy's real output without running Python.

Run once from this directory (python3 make_npy_fixtures.py) and commit the files in npy/; the tests never run it.
Written with NumPy 2.4.6. Every file is a few hundred bytes at most.
"""
import io
import os

import numpy as np
from numpy.lib import format as npy_format

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")


def save(name, array):
    np.save(os.path.join(OUT, name), array, allow_pickle=False)


def save_version(name, array, version):
    with open(os.path.join(OUT, name), "wb") as f:
        npy_format.write_array(f, array, version=version, allow_pickle=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    # Floats: the values are chosen so that float32 rounding is visible (0.1 is not a float32).
    save("f4_2x3.npy", np.array([[0.1, -2.5, 3.0], [1e-7, 65504.0, -0.0]], dtype="<f4"))
    save("f8_4.npy", np.array([0.1, -2.5, 1e300, 5e-324], dtype="<f8"))
    save("f4_big_endian_2x2.npy", np.array([[0.1, -2.5], [3.0, 7.25]], dtype=">f4"))
    save("f8_big_endian_3.npy", np.array([0.1, -2.5, 1e300], dtype=">f8"))
    save("f2_4.npy", np.array([0.1, -2.5, 65504.0, 6e-8], dtype="<f2"))
    # fortran_order: True, 2-d and 3-d; element [i, j, k] is 100i + 10j + k so a wrong transpose shows.
    save("f8_fortran_2x3.npy", np.asfortranarray(np.array([[0, 1, 2], [10, 11, 12]], dtype="<f8")))
    save("f4_fortran_2x3x4.npy", np.asfortranarray(
        np.fromfunction(lambda i, j, k: 100 * i + 10 * j + k, (2, 3, 4), dtype=np.float32)))
    save("f4_2x3x4.npy", np.fromfunction(lambda i, j, k: 100 * i + 10 * j + k, (2, 3, 4), dtype=np.float32))
    save("f8_scalar.npy", np.array(3.5, dtype="<f8"))
    save("f8_empty_0x3.npy", np.zeros((0, 3), dtype="<f8"))
    # Integers and booleans, widened exactly to float64.
    save("u1_4.npy", np.array([0, 1, 128, 255], dtype="|u1"))
    save("i1_4.npy", np.array([0, -1, -128, 127], dtype="|i1"))
    save("i2_3.npy", np.array([-32768, 0, 32767], dtype="<i2"))
    save("u2_3.npy", np.array([0, 1, 65535], dtype="<u2"))
    save("i4_3.npy", np.array([-2**31, 7, 2**31 - 1], dtype="<i4"))
    save("u4_3.npy", np.array([0, 7, 2**32 - 1], dtype="<u4"))
    save("i8_2x2.npy", np.array([[-2**63, -2**53], [2**53, 2**62 + 2**10]], dtype="<i8"))
    save("i8_big_endian_2.npy", np.array([-3, 2**40], dtype=">i8"))
    save("u8_3.npy", np.array([0, 2**53, 2**64 - 2**11], dtype="<u8"))
    save("i8_inexact.npy", np.array([1, 2, 3, 2**53 + 1, 5], dtype="<i8"))
    save("u8_inexact.npy", np.array([2**64 - 1], dtype="<u8"))
    save("b1_5.npy", np.array([True, False, False, True, True], dtype="|b1"))
    # Header versions: NumPy picks 2.0 only for headers over 65535 bytes, so ask for it (and for 3.0) explicitly.
    save_version("f8_v2_2x2.npy", np.array([[1.0, 2.0], [3.0, 4.0]], dtype="<f8"), (2, 0))
    save_version("f8_v3_2.npy", np.array([1.5, -1.5], dtype="<f8"), (3, 0))
    # Dtypes the reader must refuse.
    np.save(os.path.join(OUT, "object_2.npy"), np.array([1, "a"], dtype=object), allow_pickle=True)
    save("unicode_2.npy", np.array(["ab", "c"], dtype="<U2"))
    save("complex_2.npy", np.array([1 + 2j, 3], dtype="<c16"))
    save("structured_2.npy", np.array([(1, 2.0), (3, 4.0)], dtype=[("a", "<i4"), ("b", "<f8")]))


if __name__ == "__main__":
    main()
