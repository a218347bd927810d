"""The inferred resource engine: every operation of the loaded document that no resource
models by hand answers from state inferred from the document itself."""
