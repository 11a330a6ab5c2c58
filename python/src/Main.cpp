//===- Main.cpp - The recur._C extension module ---------------------------===//

#include "python/src/Bindings.h"

PYBIND11_MODULE(_C, m) {
  m.doc() = "Recur's compiler and runtime, for the recur Python package";
  auto ir = m.def_submodule("ir", "Tile IR construction");
  recur::python::populateIRBindings(ir);
  auto runtime = m.def_submodule("runtime", "Compilation and launches");
  recur::python::populateRuntimeBindings(runtime);
  auto ops = m.def_submodule("ops", "Operator functions of the seq ops");
  recur::python::populateOpsBindings(ops);
}
