"""mygrad's engine: tensors, graph vertices, backprop, views, in-place writes
and the memory guard. It knows nothing of op declarations or plugins.

Modules, bottom to top (each imports only modules above it in this list):

``state``        the slots of a tensor (``Vertex``), its extension record,
                 lock states, need units, the per-node ``Plan``, data rules
``modes``        graph tracking and memory-guard modes (per thread and task)
``memory_guard`` which handed-out arrays are read-only, per memory family
``graph``        gradient accumulation, in-place history routing, the
                 backward walk, clearing, releasing a node
``operation``    the ``Operation`` base class and ``OpNode``
``views``        view links, replaying view steps, gradient views
``writes``       raw array writes of in-place operations
``vertices``     making and changing vertices (leaf, record, hand-over)
``refresh``      stale views get new vertices when next used
``inplace``      in-place writes (``mutate`` and its entry points)
``setters``      ``t.shape = ...`` and ``t.data = ...``
``tensor``       the ``Tensor`` class
"""
