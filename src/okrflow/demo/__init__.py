"""The data `okrflow demo` plays: a realistic quarter and its config."""
