//===- Bindings.h - The halves of the recur._C extension --------*- C++ -*-===//

#ifndef RECUR_PYTHON_BINDINGS_H
#define RECUR_PYTHON_BINDINGS_H

#include <pybind11/pybind11.h>

namespace recur::python {

/// recur._C.ir: contexts, types, values and the generic op builder.
void populateIRBindings(pybind11::module_ &m);

/// recur._C.runtime: compilation, devices, launches and the compile cache.
void populateRuntimeBindings(pybind11::module_ &m);

/// recur._C.ops: the operator functions of the seq ops (ops/).
void populateOpsBindings(pybind11::module_ &m);

} // namespace recur::python

#endif // RECUR_PYTHON_BINDINGS_H
