"""Op declarations: what a plugin's ``mygrad_ops`` hook returns, and the
code that runs a declared op. Plugin authors use :mod:`mygrad.plugin`.

``rules``     which values a gradient rule reads; the per-call plan tables
``base``      :class:`OpDecl`, input preparation, recording a result, running rules
``fastpath``  the inlined hot path of a ufunc called on tensors
``ufunc``     :class:`Ufunc` (``ufunc_op``)
``function``  :class:`Function` (``function_op``), views, ``out=``
``kinds``     composites, :class:`~mygrad.Operation`-backed ops, NumPy tables,
              exports, and the helper functions that make declarations
"""
