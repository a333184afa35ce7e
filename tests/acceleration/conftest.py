"""Fixtures for the acceleration layer's tests."""

import pytest

from backprop_kit.acceleration.images import GridImage
from backprop_kit.widgets import live


class GridImages:
    """What show_grid asks an accelerated figure's Accelerator for."""

    grid_image = GridImage


@pytest.fixture
def accelerated_grids(monkeypatch):
    """``show_grid`` makes the acceleration layer's grid images, as on an accelerated figure."""
    monkeypatch.setattr(live, "accelerator_of", lambda figure: GridImages)
