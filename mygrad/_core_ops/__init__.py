"""The ops the core itself provides (registered through :mod:`mygrad._core_plugin`):
indexing and the view/shape ops the view machinery needs."""
