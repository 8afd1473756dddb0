"""The pure domain of Independent Medical Review: no I/O, standard library only."""
