//===- DistributedBindings.cpp - recur._distributed: MPI transport --------===//
//
// A separate extension so that `import recur` never needs MPI: only
// recur.distributed imports it. Communicators wrap the MPI_Comm of an mpi4py
// communicator (MPI._handleof), duplicated.
//
//===----------------------------------------------------------------------===//

#include "runtime/Error.h"
#include "runtime/distributed/LinearCarry.h"
#include "runtime/distributed/MpiCommunicator.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace recur;

namespace {

using FloatArray =
    py::array_t<float, py::array::c_style | py::array::forcecast>;

py::array_t<float> toArray(std::vector<float> values,
                           const std::vector<py::ssize_t> &shape) {
  py::array_t<float> array(shape);
  std::copy(values.begin(), values.end(), array.mutable_data());
  return array;
}

} // namespace

PYBIND11_MODULE(_distributed, m) {
  m.doc() = "Recur's sequence-parallel transport (MPI)";
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer)
        std::rethrow_exception(pointer);
    } catch (const Error &error) {
      if (error.status() == Status::InvalidArgument)
        PyErr_SetString(PyExc_ValueError, error.what());
      else
        PyErr_SetString(PyExc_RuntimeError, error.what());
    }
  });

  py::class_<Communicator>(m, "Communicator")
      .def_property_readonly("rank", &Communicator::rank)
      .def_property_readonly("size", &Communicator::size)
      .def_property_readonly("bytes_sent", &Communicator::bytesSent)
      .def("reset_counters", &Communicator::resetCounters);
  py::class_<MpiCommunicator, Communicator>(m, "MpiCommunicator")
      .def(py::init([](uintptr_t handle) {
             return new MpiCommunicator(reinterpret_cast<MPI_Comm>(handle));
           }),
           py::arg("handle"),
           "From an mpi4py communicator's handle (MPI._handleof(comm))")
      .def(
          "allreduce_max",
          [](Communicator &self, std::vector<double> values) {
            self.allreduceMax(values.data(), values.size());
            return values;
          },
          py::arg("values"));

  m.def(
      "carry_linear_state",
      [](Communicator &comm, FloatArray state, std::optional<FloatArray> decay,
         std::optional<FloatArray> initial, const std::string &strategy,
         std::optional<FloatArray> matrix) {
        if (state.ndim() != 4)
          throw Error(Status::InvalidArgument, "state must be [N, H, K, V]");
        LinearSummary summary;
        summary.sequences = state.shape(0);
        summary.heads = state.shape(1);
        summary.keyDim = state.shape(2);
        summary.valueDim = state.shape(3);
        summary.state = state.data();
        summary.decay = decay ? decay->data() : nullptr;
        summary.matrix = matrix ? matrix->data() : nullptr;
        summary.initial = initial ? initial->data() : nullptr;
        if (matrix &&
            (matrix->ndim() != 4 || matrix->shape(0) != state.shape(0) ||
             matrix->shape(1) != state.shape(1) ||
             matrix->shape(2) != state.shape(2) ||
             matrix->shape(3) != state.shape(2)))
          throw Error(Status::InvalidArgument, "matrix must be [N, H, K, K]");
        if (decay && (decay->ndim() != 3 || decay->shape(0) != state.shape(0) ||
                      decay->shape(1) != state.shape(1) ||
                      decay->shape(2) != state.shape(2)))
          throw Error(Status::InvalidArgument, "decay must be [N, H, K]");
        if (initial && initial->size() != state.size())
          throw Error(Status::InvalidArgument,
                      "initial state must be [N, H, K, V]");
        LinearCarry carry;
        {
          py::gil_scoped_release release;
          carry = carryLinearState(comm, summary, strategy);
        }
        std::vector<py::ssize_t> shape(state.shape(), state.shape() + 4);
        return py::make_tuple(toArray(std::move(carry.incoming), shape),
                              toArray(std::move(carry.final), shape));
      },
      py::arg("comm"), py::arg("state"), py::arg("decay"), py::arg("initial"),
      py::arg("strategy"), py::arg("matrix") = std::nullopt,
      "The states entering this rank's slice and leaving the sequence "
      "(runtime/distributed/LinearCarry.h)");
}
