"""迎检材料: the evidence binder per plan item — intake of photos and documents, the assessor's checks,
情况说明 drafts from the numbers, the completeness view and the binder PDF / zip. Never imports streamlit."""
