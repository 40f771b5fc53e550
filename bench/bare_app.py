"""The bare Streamlit page bench/bench_page.py measures warmup-viz against: one text input
(`max_steps`, read from the link too) and one 2,000-point plotly chart that ends at it."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

text = st.text_input("max_steps", st.query_params.get("max_steps", "1000"))
try:
    n = max(2, int(text))
except ValueError:
    n = 1000
x = np.linspace(1, n, 2000)  # linspace ends exactly at n
y = 5e-5 * 0.5 * (1 + np.cos(np.pi * (x - 1) / (n - 1)))
st.plotly_chart(go.Figure(go.Scatter(x=x, y=y, mode="lines")), key="chart")
