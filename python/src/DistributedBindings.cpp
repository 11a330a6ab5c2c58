//===- DistributedBindings.cpp - recur._distributed: MPI transport --------===//
//
// A separate extension so that `import recur` never needs MPI: only
// recur.distributed imports it. Communicators wrap the MPI_Comm of an mpi4py
// communicator (MPI._handleof), duplicated, or an NCCL communicator whose
// unique id travels over mpi4py.
//
//===----------------------------------------------------------------------===//

#include "runtime/Error.h"
#include "runtime/distributed/AttentionParallel.h"
#include "runtime/distributed/LinearCarry.h"
#include "runtime/distributed/MpiCommunicator.h"
#include "runtime/distributed/NcclCommunicator.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

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

/// A C-contiguous array's raw view, checked.
const py::array &contiguous(const py::array &array, const char *name) {
  if (!(array.flags() & py::array::c_style))
    throw Error(Status::InvalidArgument,
                std::string(name) + " must be C-contiguous");
  return array;
}

/// Bytes in a C array shaped like `like` with `lengthAxis`/`headAxis`
/// changed: the result of toHeads/toSequence as an array of `like`'s dtype.
py::array reshaped(std::vector<char> bytes, const py::array &like,
                   py::ssize_t length, py::ssize_t heads) {
  std::vector<py::ssize_t> shape(like.shape(), like.shape() + like.ndim());
  shape[1] = length;
  shape[2] = heads;
  py::array out(like.dtype(), shape);
  std::memcpy(out.mutable_data(), bytes.data(), bytes.size());
  return out;
}

/// Bytes of one (token, head) row of a [B, T, H, ...] array.
size_t rowBytes(const py::array &x) {
  size_t bytes = x.itemsize();
  for (py::ssize_t axis = 3; axis < x.ndim(); ++axis)
    bytes *= x.shape(axis);
  return bytes;
}

template <typename Real> void bindMerge(py::module_ &m) {
  using Array = py::array_t<Real, py::array::c_style>;
  m.def(
      "merge_attention",
      [](Array out, Array lse, Array partial, Array partialLse,
         int64_t rowOffset) {
        if (out.ndim() != 4 || lse.ndim() != 3 || partial.ndim() != 4 ||
            partialLse.ndim() != 3 || lse.shape(0) != out.shape(0) ||
            lse.shape(1) != out.shape(2) || lse.shape(2) != out.shape(1) ||
            partial.shape(0) != out.shape(0) ||
            partial.shape(2) != out.shape(2) ||
            partial.shape(3) != out.shape(3) ||
            partialLse.shape(0) != out.shape(0) ||
            partialLse.shape(1) != out.shape(2) ||
            partialLse.shape(2) != partial.shape(1))
          throw Error(Status::InvalidArgument,
                      "merge_attention: out [B, T, H, Dv], lse [B, H, T], "
                      "partial [B, Tp, H, Dv], partial_lse [B, H, Tp]");
        mergeAttention<Real>(out.mutable_data(), lse.mutable_data(),
                             partial.data(), partialLse.data(), out.shape(0),
                             out.shape(1), out.shape(2), out.shape(3),
                             rowOffset, partial.shape(1));
      },
      py::arg("out"), py::arg("lse"), py::arg("partial"),
      py::arg("partial_lse"), py::arg("row_offset") = 0,
      "Merges a partial attention result into out/lse in place by their "
      "log-sum-exps (runtime/distributed/AttentionParallel.h)");
}

} // namespace

PYBIND11_MODULE(_distributed, m) {
  m.doc() = "Recur's sequence-parallel transport (MPI)";
  m.attr("LINEAR_SCAN_BLOCKS") = kLinearScanBlocks;
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
      .def("reset_counters", &Communicator::resetCounters)
      .def(
          "allreduce_max",
          [](Communicator &self, std::vector<double> values) {
            self.allreduceMax(values.data(), values.size());
            return values;
          },
          py::arg("values"));
  py::class_<MpiCommunicator, Communicator>(m, "MpiCommunicator")
      .def(py::init([](uintptr_t handle) {
             return new MpiCommunicator(reinterpret_cast<MPI_Comm>(handle));
           }),
           py::arg("handle"),
           "From an mpi4py communicator's handle (MPI._handleof(comm))");
  py::class_<NcclCommunicator, Communicator>(m, "NcclCommunicator")
      .def(py::init([](py::bytes uniqueId, int rank, int size, int device) {
             std::string id = uniqueId;
             py::gil_scoped_release release; // init waits for every rank
             return new NcclCommunicator(id, rank, size, device);
           }),
           py::arg("unique_id"), py::arg("rank"), py::arg("size"),
           py::arg("device") = 0,
           "Joins the NCCL communicator of `unique_id` (from nccl_unique_id "
           "on one rank) as `rank` of `size`, on GPU `device`")
      .def_static(
          "unique_id", []() { return py::bytes(NcclCommunicator::uniqueId()); },
          "A fresh NCCL unique id");

  bindMerge<float>(m);
  bindMerge<double>(m);
  m.def(
      "ring_pass",
      [](Communicator &comm, const py::array &own,
         const std::vector<size_t> &blockBytes, const py::function &compute) {
        contiguous(own, "the ring's block");
        if (blockBytes.size() != static_cast<size_t>(comm.size()) ||
            blockBytes[comm.rank()] != static_cast<size_t>(own.nbytes()))
          throw Error(Status::InvalidArgument,
                      "ring_pass: block_bytes must hold every rank's block "
                      "size, this rank's equal to its block's");
        ringPass(comm, own.data(), blockBytes,
                 [&](int step, int source, const void *data) {
                   compute(
                       step, source,
                       py::memoryview::from_memory(data, blockBytes[source]));
                 });
      },
      py::arg("comm"), py::arg("own"), py::arg("block_bytes"),
      py::arg("compute"),
      "Passes every rank's block around the ring, calling compute(step, "
      "source, memoryview) on each with the next transfer in flight");
  m.def(
      "to_heads",
      [](Communicator &comm, const py::array &x,
         const std::vector<int64_t> &lengths) {
        contiguous(x, "x");
        if (x.ndim() < 3 || x.shape(1) != lengths.at(comm.rank()))
          throw Error(Status::InvalidArgument,
                      "to_heads: x must be [B, T_r, H, ...] with T_r this "
                      "rank's length");
        int64_t total = 0;
        for (int64_t length : lengths)
          total += length;
        return reshaped(toHeads(comm, x.data(), x.shape(0), lengths, x.shape(2),
                                rowBytes(x)),
                        x, total, x.shape(2) / comm.size());
      },
      py::arg("comm"), py::arg("x"), py::arg("lengths"),
      "Ulysses: [B, T_r, H, ...] slices to [B, T, H/R, ...] head shares");
  m.def(
      "to_sequence",
      [](Communicator &comm, const py::array &x,
         const std::vector<int64_t> &lengths) {
        contiguous(x, "x");
        int64_t total = 0;
        for (int64_t length : lengths)
          total += length;
        if (x.ndim() < 3 || x.shape(1) != total)
          throw Error(Status::InvalidArgument,
                      "to_sequence: x must be [B, T, H/R, ...]");
        int64_t heads = x.shape(2) * comm.size();
        return reshaped(
            toSequence(comm, x.data(), x.shape(0), lengths, heads, rowBytes(x)),
            x, lengths.at(comm.rank()), heads);
      },
      py::arg("comm"), py::arg("x"), py::arg("lengths"),
      "Ulysses: [B, T, H/R, ...] head shares back to [B, T_r, H, ...]");
  m.def(
      "carry_linear_state",
      [](Communicator &comm, FloatArray state, std::optional<FloatArray> decay,
         std::optional<FloatArray> initial, const std::string &strategy,
         std::optional<FloatArray> matrix,
         std::optional<std::vector<uint8_t>> resets,
         std::optional<std::vector<uint8_t>> receives, bool final) {
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
        for (const auto *flags : {&resets, &receives})
          if (*flags && (*flags)->size() != static_cast<size_t>(comm.size()))
            throw Error(Status::InvalidArgument,
                        "resets and receives hold one flag per rank");
        summary.resets = resets ? resets->data() : nullptr;
        summary.receives = receives ? receives->data() : nullptr;
        summary.final = final;
        LinearCarry carry;
        {
          py::gil_scoped_release release;
          carry = carryLinearState(comm, summary, strategy);
        }
        std::vector<py::ssize_t> shape(state.shape(), state.shape() + 4);
        py::object final_ = py::none();
        if (final)
          final_ = toArray(std::move(carry.final), shape);
        return py::make_tuple(toArray(std::move(carry.incoming), shape),
                              final_);
      },
      py::arg("comm"), py::arg("state"), py::arg("decay"), py::arg("initial"),
      py::arg("strategy"), py::arg("matrix") = std::nullopt,
      py::arg("resets") = std::nullopt, py::arg("receives") = std::nullopt,
      py::arg("final") = true,
      "The states entering this rank's slice and leaving the sequence "
      "(runtime/distributed/LinearCarry.h); resets/receives: per-rank flags "
      "of packed sequences");
  m.def(
      "shift",
      [](Communicator &comm, const py::array &x) {
        contiguous(x, "x");
        py::array out(x.dtype(), std::vector<py::ssize_t>(
                                     x.shape(), x.shape() + x.ndim()));
        std::memset(out.mutable_data(), 0, out.nbytes());
        {
          py::gil_scoped_release release;
          shiftToNext(comm, x.data(), out.mutable_data(), x.nbytes());
        }
        return out;
      },
      py::arg("comm"), py::arg("x"),
      "This rank's array to the next rank; the previous rank's (zeros on "
      "rank 0), every rank passing the same shape and dtype");
  m.def(
      "allgather_rows",
      [](Communicator &comm, FloatArray rows,
         const std::vector<int64_t> &counts) {
        if (rows.ndim() < 1 ||
            counts.size() != static_cast<size_t>(comm.size()) ||
            rows.shape(0) != counts[comm.rank()])
          throw Error(Status::InvalidArgument,
                      "allgather_rows: rows [n_r, ...] with n_r this rank's "
                      "entry of counts (one per rank)");
        size_t rowFloats = 1;
        for (py::ssize_t axis = 1; axis < rows.ndim(); ++axis)
          rowFloats *= rows.shape(axis);
        std::vector<size_t> bytes;
        int64_t total = 0;
        for (int64_t n : counts) {
          bytes.push_back(n * rowFloats * sizeof(float));
          total += n;
        }
        std::vector<py::ssize_t> shape(rows.shape(),
                                       rows.shape() + rows.ndim());
        shape[0] = total;
        py::array_t<float> out(shape);
        {
          py::gil_scoped_release release;
          comm.allgatherv(rows.data(), out.mutable_data(), bytes);
        }
        return out;
      },
      py::arg("comm"), py::arg("rows"), py::arg("counts"),
      "Every rank's rows (counts[r] of them from rank r), in rank order");
}
