"""The embedded database: snapshots, targets, column mappings, action items."""
