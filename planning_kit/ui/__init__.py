"""ipywidgets views: the launchpad and one module per tile."""
