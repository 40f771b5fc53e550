"""Read trace arrays from a figure's JSON: plotly writes numpy arrays as base64 typed arrays."""

import base64

import numpy as np


def values(array) -> list:
    """A trace's `x`/`y` as a list, whether plain JSON or plotly's `{"dtype", "bdata"}`."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)
