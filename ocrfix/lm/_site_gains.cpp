// The corrector's hot loop in C++: the LM gain of every candidate substitution at one site.
//
// It computes exactly what ocrfix.correction.features.substitution_gains computes (the reference
// implementation, which the tests compare it with), but calls KenLM directly instead of one
// Python-level BaseScore call per look-up (~1 M of them on 15 heavy-scan pages).
//
// It uses the model and the states the kenlm Python module already holds: a kenlm.Model object
// is {PyObject_HEAD; lm::base::Model *model; bytes path; const Vocabulary *vocab} and a
// kenlm.State object is {PyObject_HEAD; lm::ngram::State _c_state} (kenlm's python/kenlm.pyx;
// Cython classes without cdef methods have no vtable pointer). check_layout() verifies both
// object sizes at import (a kenlm built differently: ImportError), and CharLM asks
// state_size_ok() of each model it loads; either way ocrfix falls back to the Python
// implementation. Built by setup.py against KenLM's headers.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <vector>

#include "lm/state.hh"
#include "lm/virtual_interface.hh"

namespace {

struct KenlmModel {
  PyObject_HEAD
  lm::base::Model *model;
  PyObject *path;
  const lm::base::Vocabulary *vocab;
};

struct KenlmState {
  PyObject_HEAD
  lm::ngram::State state;
};

PyTypeObject *model_type = nullptr;
PyTypeObject *state_type = nullptr;

lm::WordIndex word_index(const lm::base::Vocabulary &vocab, PyObject *token) {
  Py_ssize_t size;
  const char *utf8 = PyUnicode_AsUTF8AndSize(token, &size);
  if (utf8 == nullptr) return 0;
  return vocab.Index(StringPiece(utf8, static_cast<size_t>(size)));
}

const lm::ngram::State *state_at(PyObject *states, Py_ssize_t k) {
  PyObject *item = PySequence_Fast_GET_ITEM(states, k);
  if (Py_TYPE(item) != state_type) {
    PyErr_SetString(PyExc_TypeError, "states must be kenlm.State objects");
    return nullptr;
  }
  return &reinterpret_cast<KenlmState *>(item)->state;
}

// site_gains(model, tokens, states, logps, i, candidates, first, second, final)
//   -> [(k, gain, cand_ctx)]: see substitution_gains (the floors are -inf for "no screen").
PyObject *site_gains(PyObject *, PyObject *args) {
  PyObject *model_obj, *tokens_arg, *states_arg, *logps_arg, *cands_arg;
  Py_ssize_t i;
  double first, second, final_floor;
  if (!PyArg_ParseTuple(args, "O!OOOnOddd", model_type, &model_obj, &tokens_arg, &states_arg, &logps_arg, &i,
                        &cands_arg, &first, &second, &final_floor))
    return nullptr;
  const lm::base::Model &model = *reinterpret_cast<KenlmModel *>(model_obj)->model;
  const lm::base::Vocabulary &vocab = *reinterpret_cast<KenlmModel *>(model_obj)->vocab;

  PyObject *tokens = PySequence_Fast(tokens_arg, "tokens must be a sequence");
  PyObject *states = tokens ? PySequence_Fast(states_arg, "states must be a sequence") : nullptr;
  PyObject *logps = states ? PySequence_Fast(logps_arg, "logps must be a sequence") : nullptr;
  PyObject *cands = logps ? PySequence_Fast(cands_arg, "candidates must be a sequence") : nullptr;
  PyObject *out = nullptr;
  if (cands == nullptr) goto done;
  {
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(tokens);
    if (i < 0 || i >= n || PySequence_Fast_GET_SIZE(states) != n + 1 || PySequence_Fast_GET_SIZE(logps) != n + 1) {
      PyErr_SetString(PyExc_ValueError, "site index out of range, or states/logps not one longer than tokens");
      goto done;
    }
    const Py_ssize_t order = model.Order();
    const Py_ssize_t stop = n < i + order ? n : i + order;
    const bool ends_inside = n < i + order;
    // the original's scores and states over the window the substitution can reach
    std::vector<double> orig_logp(stop + 1 - i);
    std::vector<const lm::ngram::State *> orig_state(stop + 1 - i);
    std::vector<lm::WordIndex> next_word(stop - i);
    for (Py_ssize_t j = i; j <= stop; ++j) {
      orig_logp[j - i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(logps, j));
      if (!(orig_state[j - i] = state_at(states, j))) goto done;
    }
    if (PyErr_Occurred()) goto done;
    for (Py_ssize_t j = i + 1; j < stop; ++j) {
      next_word[j - i] = word_index(vocab, PySequence_Fast_GET_ITEM(tokens, j));
      if (PyErr_Occurred()) goto done;
    }
    const double end_logp = ends_inside ? PyFloat_AsDouble(PySequence_Fast_GET_ITEM(logps, n)) : 0.0;
    const lm::WordIndex end_word = vocab.Index(StringPiece("</s>"));
    const double site_logp = orig_logp[0];
    const double screen = site_logp + first;

    out = PyList_New(0);
    if (out == nullptr) goto done;
    const Py_ssize_t n_cands = PySequence_Fast_GET_SIZE(cands);
    lm::ngram::State state, after;
    for (Py_ssize_t k = 0; k < n_cands; ++k) {
      const lm::WordIndex word = word_index(vocab, PySequence_Fast_GET_ITEM(cands, k));
      if (PyErr_Occurred()) { Py_CLEAR(out); goto done; }
      const double cand_ctx = model.BaseScore(orig_state[0], word, &state);
      if (!(cand_ctx >= screen)) continue;
      double gain = cand_ctx - site_logp;
      if (gain < first) continue;
      bool keep = false, settled = false;
      for (Py_ssize_t j = i + 1; j < stop; ++j) {
        const double lp = model.BaseScore(&state, next_word[j - i], &after);
        state = after;
        gain += lp - orig_logp[j - i];
        if (j == i + 1 && gain < second) { settled = true; break; }
        if (state == *orig_state[j + 1 - i]) {  // backed off past the substitution: the rest is the original's
          keep = gain >= final_floor;
          settled = true;
          break;
        }
      }
      if (!settled) {
        if (ends_inside) gain += model.BaseScore(&state, end_word, &after) - end_logp;
        keep = gain >= final_floor;
      }
      if (keep) {
        PyObject *row = Py_BuildValue("(ndd)", k, gain, cand_ctx);
        if (row == nullptr || PyList_Append(out, row) < 0) { Py_XDECREF(row); Py_CLEAR(out); goto done; }
        Py_DECREF(row);
      }
    }
  }
done:
  Py_XDECREF(tokens);
  Py_XDECREF(states);
  Py_XDECREF(logps);
  Py_XDECREF(cands);
  return out;
}

// Refuse a kenlm module whose objects are not laid out as this file assumes.
bool check_layout(PyObject *kenlm) {
  model_type = reinterpret_cast<PyTypeObject *>(PyObject_GetAttrString(kenlm, "Model"));
  state_type = reinterpret_cast<PyTypeObject *>(PyObject_GetAttrString(kenlm, "State"));
  if (model_type == nullptr || state_type == nullptr || !PyType_Check(model_type) || !PyType_Check(state_type)) {
    PyErr_SetString(PyExc_ImportError, "kenlm.Model / kenlm.State not found");
    return false;
  }
  if (model_type->tp_basicsize != static_cast<Py_ssize_t>(sizeof(KenlmModel))
      || state_type->tp_basicsize != static_cast<Py_ssize_t>(sizeof(KenlmState))) {
    PyErr_SetString(PyExc_ImportError, "kenlm objects are not laid out as expected (another kenlm build?)");
    return false;
  }
  return true;
}

PyObject *state_size_ok(PyObject *, PyObject *model_obj) {
  if (!PyObject_TypeCheck(model_obj, model_type)) {
    PyErr_SetString(PyExc_TypeError, "a kenlm.Model expected");
    return nullptr;
  }
  const lm::base::Model &model = *reinterpret_cast<KenlmModel *>(model_obj)->model;
  return PyBool_FromLong(model.StateSize() == sizeof(lm::ngram::State));
}

PyMethodDef methods[] = {
    {"site_gains", site_gains, METH_VARARGS,
     "site_gains(model, tokens, states, logps, i, candidates, first, second, final) -> [(k, gain, cand_ctx)]"},
    {"state_size_ok", state_size_ok, METH_O,
     "True when the model's states are the lm::ngram::State this module was compiled with."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef module = {PyModuleDef_HEAD_INIT, "_site_gains", "KenLM look-ups of the corrector's site gains in C++.",
                      -1, methods};

}  // namespace

PyMODINIT_FUNC PyInit__site_gains() {
  PyObject *kenlm = PyImport_ImportModule("kenlm");
  if (kenlm == nullptr) return nullptr;
  const bool ok = check_layout(kenlm);
  Py_DECREF(kenlm);
  if (!ok) return nullptr;
  return PyModule_Create(&module);
}
