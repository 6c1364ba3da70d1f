"""Plotly figure builders: one per metric kind, one palette, one template. Never imports streamlit."""
