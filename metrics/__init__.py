"""The metric registry and engine: pure pandas, never imports streamlit."""
