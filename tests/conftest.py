"""Collection order for two workers: the slow tests first, so that the many quick ones
even out the workers' ends (xdist then hands out groups of several tests first, largest
first, and single tests in this order)."""


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
