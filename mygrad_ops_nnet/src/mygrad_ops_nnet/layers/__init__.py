"""The nnet pack's layers: convolution, pooling, batch normalisation,
dropout, the GRU, and ``sliding_window_view``.

Each module declares its ops in a ``DECLARATIONS`` list; the pack's
``mygrad_ops`` hook collects them (see :data:`mygrad_ops_nnet.MODULES`).
"""

#: this subpackage's modules with declarations
MODULES = ("utils", "conv", "pooling", "batchnorm", "dropout", "gru")
