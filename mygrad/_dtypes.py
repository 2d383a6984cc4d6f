"""dtype aliases (the NumPy objects themselves) and numeric constants."""

import numpy as np

bool_ = np.bool_
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, uint16, uint32, uint64 = np.uint8, np.uint16, np.uint32, np.uint64
intp, uintp = np.intp, np.uintp
float16, float32, float64 = np.float16, np.float32, np.float64
half, single, double, longdouble = np.half, np.single, np.double, np.longdouble

e = float(np.e)
euler_gamma = float(np.euler_gamma)
inf = float(np.inf)
nan = float(np.nan)
newaxis = None
pi = float(np.pi)

__all__ = [
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "intp", "uintp", "float16", "float32", "float64", "half", "single", "double", "longdouble",
    "e", "euler_gamma", "inf", "nan", "newaxis", "pi",
]
