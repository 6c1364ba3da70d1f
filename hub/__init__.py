"""The street (街道) hub: metric results kept per community, the street grid, street targets, report
packages, the street PDF and the demo street. Pure Python below the page: nothing here imports streamlit."""
