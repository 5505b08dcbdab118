"""Processing algorithms: thin adapters from parameters to one call into core/."""
