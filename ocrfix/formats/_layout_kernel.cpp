// The layout analysis's per-word and per-line loops in C++.
//
// Each function computes exactly what its Python reference computes (which the tests compare it
// with on random lines and pages): gaps is ocrfix.formats.line_splits._word_gaps (where a line crosses
// a gutter), with the whitespace-river test (_river, _probes) and the look at the lines around
// (_sides) it makes; channel_splits is line_splits._channel_splits (where a line crosses a narrow
// gutter: _inner_gaps, _channel, Marks.openings), inner_gaps its _inner_gaps alone, row_splits
// line_splits._row_splits (row_blanks its _row_blanks), page_edges line_splits._page_edges; letters, marks, type_size and low_height are
// placed.letter_extents, line_splits.Marks.of, placed.type_size and placed.low_height (page_ink the first two
// of every line of a page); line_texts is model.Line.text of every line of a page; gaps_below,
// span_gaps and split are ocrfix.formats.stories._gaps_below, _gaps and _split. They read the same Python objects: Word (.box, .text), Box
// and Marks (tuples), the letter extents (tuples or None). Every comparison is made on the same
// double values in the same order as the Python code, so the results are the same bit for bit. It needs no library but Python's: setup.py
// builds it wherever a C++ compiler is; without it the layout runs the Python loops.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

namespace {

PyObject *box_name = nullptr;   // "box"
PyObject *text_name = nullptr;  // "text"
PyObject *core_name = nullptr;  // "core"
PyObject *words_name = nullptr;  // "words"

// A Python int or float as a double (the boxes are whole pixels, the extents floats).
inline double num(PyObject *o) {
  return PyFloat_Check(o) ? PyFloat_AS_DOUBLE(o) : PyLong_Check(o) ? PyLong_AsDouble(o) : PyFloat_AsDouble(o);
}

// bisect_left (right = false) or bisect_right (right = true) of x in values[lo:hi].
size_t bisect(const std::vector<double> &values, double x, size_t lo, size_t hi, bool right) {
  return static_cast<size_t>((right ? std::upper_bound(values.begin() + lo, values.begin() + hi, x)
                                    : std::lower_bound(values.begin() + lo, values.begin() + hi, x)) - values.begin());
}

// A page's lines by their top edges as numbers: Band.tops, and of each of Band.by_top's Marks
// (x0, x1, starts, reach) the ends and, in one array each, the starts and reach (line k's from
// first[k] to first[k + 1]). The page's tuple is kept (a strong reference): the arrays are built
// once per page, when a band of another page comes.
struct PageInk {
  PyObject *by_top = nullptr;
  std::vector<double> tops, x0, x1, starts, reach;
  std::vector<size_t> first;

  bool load(PyObject *lines, PyObject *top_edges) {
    if (lines == by_top) return true;
    Py_CLEAR(by_top);
    tops.clear(), x0.clear(), x1.clear(), starts.clear(), reach.clear(), first.assign(1, 0);
    Py_ssize_t n = PyTuple_GET_SIZE(lines);
    if (PyTuple_GET_SIZE(top_edges) != n) {
      PyErr_SetString(PyExc_ValueError, "band: one top edge per line");
      return false;
    }
    for (Py_ssize_t k = 0; k < n; ++k) {
      PyObject *m = PyTuple_GET_ITEM(lines, k);
      if (!PyTuple_Check(m) || PyTuple_GET_SIZE(m) != 4 || !PyTuple_Check(PyTuple_GET_ITEM(m, 2)) || !PyTuple_Check(PyTuple_GET_ITEM(m, 3))) {
        PyErr_SetString(PyExc_TypeError, "band: by_top must hold Marks");
        return false;
      }
      tops.push_back(num(PyTuple_GET_ITEM(top_edges, k)));
      x0.push_back(num(PyTuple_GET_ITEM(m, 0)));
      x1.push_back(num(PyTuple_GET_ITEM(m, 1)));
      PyObject *s = PyTuple_GET_ITEM(m, 2), *r = PyTuple_GET_ITEM(m, 3);
      for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(s); ++i) {
        starts.push_back(num(PyTuple_GET_ITEM(s, i)));
        reach.push_back(num(PyTuple_GET_ITEM(r, i)));
      }
      first.push_back(starts.size());
    }
    if (PyErr_Occurred()) return false;
    Py_INCREF(lines);
    by_top = lines;
    return true;
  }

  // Marks.inked of line k: whether any of its extents overlaps (lo, hi).
  bool inked(size_t k, double lo, double hi) const {
    size_t a = bisect(starts, hi, first[k], first[k + 1], false);
    return a > first[k] && reach[a - 1] > lo;
  }
};

PageInk page;

// _sides: the other lines (indices into the page) starting within 6h above and below the band's line that reach over its letters.
struct Sides {
  std::vector<size_t> above, below;
};

bool sides_of(PyObject *band, double h, Sides &out) {
  PyObject *box = PyTuple_GET_ITEM(band, 0), *own = PyTuple_GET_ITEM(band, 1), *letters = PyTuple_GET_ITEM(band, 2);
  PyObject *by_top = PyTuple_GET_ITEM(band, 3), *tops = PyTuple_GET_ITEM(band, 4);
  if (!PyList_Check(letters) || !PyTuple_Check(by_top) || !PyTuple_Check(tops)) {
    PyErr_SetString(PyExc_TypeError, "band: letters must be a list, by_top and tops tuples");
    return false;
  }
  if (!page.load(by_top, tops)) return false;
  double y0 = num(PyTuple_GET_ITEM(box, 1)), y1 = num(PyTuple_GET_ITEM(box, 3));
  size_t lo = bisect(page.tops, y0 - 6 * h, 0, page.tops.size(), false), hi = bisect(page.tops, y0 + 6 * h, 0, page.tops.size(), true);
  size_t middle = bisect(page.tops, (y0 + y1) / 2, lo, std::max(lo, hi), false);
  bool any = false;
  double left = 0, right = 0;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(letters); ++k) {
    PyObject *extent = PyList_GET_ITEM(letters, k);
    if (extent == Py_None) continue;
    for (int e = 0; e < 2; ++e) {
      double x = num(PyTuple_GET_ITEM(extent, e));
      if (!any || x < left) left = x;
      if (!any || x > right) right = x;
      any = true;
    }
  }
  if (!any) {
    PyErr_SetString(PyExc_ValueError, "band: a line without letters has no sides");
    return false;
  }
  for (size_t k = lo; k < hi; ++k) {
    if (k < middle && PyTuple_GET_ITEM(by_top, static_cast<Py_ssize_t>(k)) == own) continue;
    if (page.x0[k] < right && page.x1[k] > left) (k < middle ? out.above : out.below).push_back(k);
  }
  return !PyErr_Occurred();
}

// _probes: every h / 4 across the gap (left, right), or its middle.
std::vector<double> probes_of(double left, double right, double h) {
  std::vector<double> probes;
  long count = static_cast<long>((right - left) / (h / 4));
  for (long k = 1; k <= count; ++k) {
    double x = left + static_cast<double>(k) * h / 4;
    if (x < right) probes.push_back(x);
  }
  if (probes.empty()) probes.push_back((left + right) / 2);
  return probes;
}

// _river: at one of the probes, above or below, at most a quarter of two lines or more that span it are inked within blank × h of it.
bool river(const Sides &sides, const std::vector<double> &probes, double h, double blank) {
  double lo = probes.front(), hi = probes.back(), reach = blank * h;
  std::vector<size_t> near, spanning;
  for (const std::vector<size_t> *side : {&sides.above, &sides.below}) {
    if (side->size() < 2) continue;
    near.clear();
    for (size_t m : *side)
      if (page.x0[m] < hi && page.x1[m] > lo) near.push_back(m);
    if (near.size() < 2) continue;
    bool across = true;
    for (size_t m : near)
      if (page.x0[m] >= lo || page.x1[m] <= hi) { across = false; break; }
    for (double x : probes) {
      spanning.clear();
      for (size_t m : near)
        if (across || (page.x0[m] < x && x < page.x1[m])) spanning.push_back(m);
      if (spanning.size() < 2) continue;
      double allowed = 0.25 * static_cast<double>(spanning.size());
      long inked = 0;
      bool over = false;
      for (size_t m : spanning) {
        inked += page.inked(m, x - reach, x + reach);
        if (inked > allowed) { over = true; break; }
      }
      if (!over) return true;
    }
  }
  return false;
}

// Whether every character of text is one of chars (text.strip(chars) is empty).
bool only_of(PyObject *text, PyObject *chars) {
  Py_ssize_t n = PyUnicode_GET_LENGTH(text), m = PyUnicode_GET_LENGTH(chars);
  int kind = PyUnicode_KIND(text);
  const void *data = PyUnicode_DATA(text);
  for (Py_ssize_t i = 0; i < n; ++i)
    if (PyUnicode_FindChar(chars, PyUnicode_READ(kind, data, i), 0, m, 1) < 0) return false;
  return true;
}

// len(text.strip()) and whether text.lstrip()[:1] is in opening ("" is).
void stripped(PyObject *text, PyObject *opening, Py_ssize_t &length, bool &opens) {
  Py_ssize_t n = PyUnicode_GET_LENGTH(text), a = 0, b = n;
  int kind = PyUnicode_KIND(text);
  const void *data = PyUnicode_DATA(text);
  while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) ++a;
  while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1))) --b;
  length = b - a;
  opens = a == n || PyUnicode_FindChar(opening, PyUnicode_READ(kind, data, a), 0, PyUnicode_GET_LENGTH(opening), 1) >= 0;
}

PyObject *int_list(const std::vector<Py_ssize_t> &values) {
  PyObject *list = PyList_New(static_cast<Py_ssize_t>(values.size()));
  if (list == nullptr) return nullptr;
  for (size_t i = 0; i < values.size(); ++i) {
    PyObject *v = PyLong_FromSsize_t(values[i]);
    if (v == nullptr) { Py_DECREF(list); return nullptr; }
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), v);
  }
  return list;
}

// gaps(words, letters, headline, gutter, river, band, h, size, marks) -> (cuts, rule cuts): see line_splits._word_gaps.
// marks: line_splits._KERNEL_MARKS (SPECKS, OPENING, RULE, GUTTER, RULED, TALL_WORDS, STORY_RIVER).
PyObject *gaps(PyObject *, PyObject *args) {
  PyObject *words, *letters, *band, *marks;
  int headline;
  double gutter, river_gap, h, size;
  if (!PyArg_ParseTuple(args, "O!O!pddO!ddO!", &PyTuple_Type, &words, &PyList_Type, &letters, &headline, &gutter, &river_gap,
                        &PyTuple_Type, &band, &h, &size, &PyTuple_Type, &marks))
    return nullptr;
  PyObject *specks_chars, *opening, *rule;
  double gutter_factor, ruled_factor, tall_factor, story_river;
  if (!PyArg_ParseTuple(marks, "UUUdddd", &specks_chars, &opening, &rule, &gutter_factor, &ruled_factor, &tall_factor, &story_river))
    return nullptr;
  Py_ssize_t n = PyTuple_GET_SIZE(words);
  if (PyList_GET_SIZE(letters) != n || PyTuple_GET_SIZE(band) != 5) {
    PyErr_SetString(PyExc_ValueError, "gaps: one letter extent per word, a band of five");
    return nullptr;
  }
  std::vector<Py_ssize_t> splits, rules;
  bool have_reach = false, have_solid = false, have_box = false;
  double reach = 0, solid_reach = 0, solid_box = 0;
  bool punctuated = false, specks_only = true;
  Py_ssize_t specks = 0, ruled = -1;
  double marked = 0, solid_height = 0;  // width of the words since the last solid word, box height of the last solid word
  double ruled_gap = std::max(ruled_factor * h, size);
  Sides sides;
  bool sides_found = false;
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject *word = PyTuple_GET_ITEM(words, k), *extent = PyList_GET_ITEM(letters, k);
    PyObject *box = PyObject_GetAttr(word, box_name);
    if (box == nullptr) return nullptr;
    Py_DECREF(box);  // the word holds it
    if (box == Py_None) continue;
    double x0 = num(PyTuple_GET_ITEM(box, 0)), y0 = num(PyTuple_GET_ITEM(box, 1)), x1 = num(PyTuple_GET_ITEM(box, 2)), y1 = num(PyTuple_GET_ITEM(box, 3));
    if (extent != Py_None) {  // a solid word
      double e0 = num(PyTuple_GET_ITEM(extent, 0)), e1 = num(PyTuple_GET_ITEM(extent, 1));
      if (have_reach && x0 - reach > gutter) {
        splits.push_back(k);
      } else if (!headline && have_box && specks_only && x0 - solid_box > (specks > 1 ? gutter_factor * h : gutter + h)) {
        splits.push_back(k);
      } else if (have_solid) {
        double gap = e0 - solid_reach;
        if (ruled >= 0 && gap > ruled_gap) {
          splits.push_back(ruled);
          rules.push_back(ruled);
        } else if (gap > river_gap && !(headline && punctuated)) {
          if (!sides_found && !(sides_found = sides_of(band, h, sides))) return nullptr;
          if (river(sides, probes_of(solid_reach, e0, h), h, 0.3)) splits.push_back(k);
        } else if (headline && punctuated && specks_only && gap - marked > river_gap && std::min(y1 - y0, solid_height) >= tall_factor * h) {
          if (!sides_found && !(sides_found = sides_of(band, h, sides))) return nullptr;
          if (river(sides, probes_of(solid_reach, e0, h), h, story_river)) {
            splits.push_back(k);
            rules.push_back(k);
          }
        }
      }
      if (!have_reach || x1 > reach) reach = x1;
      if (!have_solid || e1 > solid_reach) solid_reach = e1;
      if (!have_box || x1 > solid_box) solid_box = x1;
      have_reach = have_solid = have_box = true;
      punctuated = false, specks_only = true, specks = 0, ruled = -1, marked = 0, solid_height = y1 - y0;
      continue;
    }
    PyObject *text = PyObject_GetAttr(word, text_name);
    if (text == nullptr) return nullptr;
    Py_DECREF(text);
    if (!PyUnicode_Check(text)) {
      PyErr_SetString(PyExc_TypeError, "gaps: a word's text must be a str");
      return nullptr;
    }
    Py_ssize_t length;
    bool opens;
    stripped(text, opening, length, opens);
    if (have_reach && x0 - reach > gutter && (!headline || opens)) splits.push_back(k);
    if (!have_reach || x1 > reach) reach = x1;
    have_reach = true;
    punctuated = have_solid || punctuated;
    specks_only = specks_only && only_of(text, specks_chars);
    specks += length;
    marked += x1 - x0;
    if (have_solid) {
      int found = PySequence_Contains(text, rule);
      if (found < 0) return nullptr;
      if (found) ruled = k + 1;
    }
  }
  if (PyErr_Occurred()) return nullptr;
  PyObject *cuts = int_list(splits), *ruled_cuts = cuts == nullptr ? nullptr : int_list(rules);
  if (ruled_cuts == nullptr) { Py_XDECREF(cuts); return nullptr; }
  return Py_BuildValue("(NN)", cuts, ruled_cuts);
}

// A gap between a line's letters: k the first word after it, left and right its ends.
struct Gap {
  Py_ssize_t k;
  double left, right;
};

// _inner_gaps: the gaps wider than river × h between the letter extents (None ones skipped) whose letters run 2h into both sides.
bool inner_gaps(PyObject *letters, double h, double river_factor, std::vector<Gap> &out) {
  std::vector<Py_ssize_t> index;
  std::vector<double> starts, ends;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(letters); ++k) {
    PyObject *extent = PyList_GET_ITEM(letters, k);
    if (extent == Py_None) continue;
    if (!PyTuple_Check(extent) || PyTuple_GET_SIZE(extent) != 2) {
      PyErr_SetString(PyExc_TypeError, "channel_splits: a letter extent must be a pair or None");
      return false;
    }
    index.push_back(k);
    starts.push_back(num(PyTuple_GET_ITEM(extent, 0)));
    ends.push_back(num(PyTuple_GET_ITEM(extent, 1)));
  }
  if (PyErr_Occurred()) return false;
  if (starts.empty()) return true;
  double first = starts[0], last = ends[0], reach = ends[0], wide = river_factor * h;
  for (double end : ends)
    if (end > last) last = end;
  for (size_t i = 1; i < starts.size(); ++i) {
    if (starts[i] - reach > wide && first <= reach - 2 * h && last >= starts[i] + 2 * h) out.push_back({index[i], reach, starts[i]});
    if (ends[i] > reach) reach = ends[i];
  }
  return true;
}

// _channel: at one of seven points evenly across the gap (left, right), at most a quarter of the lines around (page
// indices) that reach 2h past it on both sides (least of them at least) have ink within narrow × h of it or no blank
// wider than river × h around it (Marks.openings).
bool channel(const std::vector<size_t> &around, double left, double right, double h, double river_factor, double narrow, size_t least) {
  double lo = left - 2 * h, hi = right + 2 * h;
  std::vector<size_t> spanning;
  for (size_t m : around)
    if (page.x0[m] < lo && page.x1[m] > hi) spanning.push_back(m);
  if (spanning.size() < least) return false;
  double reach = narrow * h, allowed = 0.25 * static_cast<double>(spanning.size()), eighth = (right - left) / 8, wide = river_factor * h;
  double needed = static_cast<double>(spanning.size()) - allowed;
  long opened[8] = {0}, most = 0, seen = 0;
  for (size_t m : spanning) {
    ++seen;
    bool open[8] = {false};
    size_t end = page.first[m + 1], k = bisect(page.starts, left, page.first[m], end, true);
    double a = k > page.first[m] ? page.reach[k - 1] : page.x0[m];
    while (a < right) {
      double b = k < end ? page.starts[k] : page.x1[m];
      if (b - wide > a && b > left) {
        long from = std::max(1L, static_cast<long>(std::ceil((a + reach - left) / eighth)));
        long to = std::min(7L, static_cast<long>(std::floor((b - reach - left) / eighth)));
        for (long j = from; j <= to; ++j) open[j] = true;
      }
      if (k == end) break;
      a = std::max(a, page.reach[k]);
      ++k;
    }
    for (int j = 1; j < 8; ++j)
      if (open[j] && ++opened[j] > most) most = opened[j];
    if (static_cast<double>(most) >= needed) return true;
    if (static_cast<double>(seen - most) > allowed) return false;
  }
  return false;
}

// channel_splits(letters, band, h, constants) -> list: line_splits._channel_splits (constants: line_splits._KERNEL_CHANNEL,
// RIVER, NARROW, CHANNEL_LINES).
PyObject *channel_splits(PyObject *, PyObject *args) {
  PyObject *letters, *band, *constants;
  double h;
  if (!PyArg_ParseTuple(args, "O!O!dO!", &PyList_Type, &letters, &PyTuple_Type, &band, &h, &PyTuple_Type, &constants)) return nullptr;
  double river_factor, narrow;
  Py_ssize_t least;
  if (!PyArg_ParseTuple(constants, "ddn", &river_factor, &narrow, &least)) return nullptr;
  if (PyTuple_GET_SIZE(band) != 5 || !PyTuple_Check(PyTuple_GET_ITEM(band, 3)) || !PyTuple_Check(PyTuple_GET_ITEM(band, 4))) {
    PyErr_SetString(PyExc_ValueError, "channel_splits: a band of five, by_top and tops tuples");
    return nullptr;
  }
  std::vector<Gap> found;
  if (!inner_gaps(letters, h, river_factor, found)) return nullptr;
  std::vector<Py_ssize_t> splits;
  if (found.empty()) return int_list(splits);
  PyObject *box = PyTuple_GET_ITEM(band, 0), *own = PyTuple_GET_ITEM(band, 1), *by_top = PyTuple_GET_ITEM(band, 3);
  if (!page.load(by_top, PyTuple_GET_ITEM(band, 4))) return nullptr;
  double y0 = num(PyTuple_GET_ITEM(box, 1));
  if (PyErr_Occurred()) return nullptr;
  size_t first = bisect(page.tops, y0 - 6 * h, 0, page.tops.size(), false), last = bisect(page.tops, y0 + 6 * h, 0, page.tops.size(), true);
  // the other lines starting within 6h above and below that could reach 2h past a gap on both sides
  double lo = found.back().left - 2 * h, hi = found.front().right + 2 * h;
  std::vector<size_t> around;
  for (size_t k = first; k < last; ++k)
    if (page.x0[k] < lo && page.x1[k] > hi && PyTuple_GET_ITEM(by_top, static_cast<Py_ssize_t>(k)) != own) around.push_back(k);
  if (around.size() < static_cast<size_t>(least)) return int_list(splits);
  for (const Gap &gap : found)
    if (channel(around, gap.left, gap.right, h, river_factor, narrow, static_cast<size_t>(least))) splits.push_back(gap.k);
  return int_list(splits);
}

// inner_gaps(letters, h, river) -> list: line_splits._inner_gaps, each gap (k, left, right) with the extents' own
// numbers (right: word k's start, left: the end of the letters before it that reaches furthest, the first of equal ones).
PyObject *inner_gaps_of(PyObject *, PyObject *args) {
  PyObject *letters;
  double h, river_factor;
  if (!PyArg_ParseTuple(args, "O!dd", &PyList_Type, &letters, &h, &river_factor)) return nullptr;
  std::vector<Gap> found;
  if (!inner_gaps(letters, h, river_factor, found)) return nullptr;
  PyObject *result = PyList_New(static_cast<Py_ssize_t>(found.size()));
  if (result == nullptr || found.empty()) return result;
  // the objects of the ends: walk the solid extents again, keeping the one whose end is the running reach
  PyObject *reach = nullptr;
  double reach_x = 0;
  size_t next = 0;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(letters) && next < found.size(); ++k) {
    PyObject *extent = PyList_GET_ITEM(letters, k);
    if (extent == Py_None) continue;
    if (reach != nullptr && found[next].k == k) {
      PyObject *gap = Py_BuildValue("(nOO)", k, reach, PyTuple_GET_ITEM(extent, 0));
      if (gap == nullptr) { Py_DECREF(result); return nullptr; }
      PyList_SET_ITEM(result, static_cast<Py_ssize_t>(next++), gap);
    }
    double end = num(PyTuple_GET_ITEM(extent, 1));
    if (reach == nullptr || end > reach_x) reach = PyTuple_GET_ITEM(extent, 1), reach_x = end;
  }
  return result;
}

// A letter as placed.ALNUM reads one ([^\W_]: what str.isalnum() accepts).
inline bool letter(Py_UCS4 ch) { return Py_UNICODE_ISALNUM(ch) && ch != '_'; }

PyObject *pair(PyObject *a, PyObject *b) {
  if (a == nullptr || b == nullptr) { Py_XDECREF(a); Py_XDECREF(b); return nullptr; }
  return Py_BuildValue("(NN)", a, b);
}

// placed.letter_extents of a tuple of words.
PyObject *letters_of(PyObject *words) {
  if (!PyTuple_Check(words)) {
    PyErr_SetString(PyExc_TypeError, "letters: words must be a tuple");
    return nullptr;
  }
  Py_ssize_t n = PyTuple_GET_SIZE(words);
  PyObject *result = PyList_New(n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject *word = PyTuple_GET_ITEM(words, k), *extent = Py_None;
    PyObject *box = PyObject_GetAttr(word, box_name), *text = box == nullptr ? nullptr : PyObject_GetAttr(word, text_name);
    Py_XDECREF(box);  // the word holds both
    Py_XDECREF(text);
    if (text == nullptr || (box != Py_None && !PyUnicode_Check(text))) {
      if (text != nullptr) PyErr_SetString(PyExc_TypeError, "letters: a word's text must be a str");
      Py_DECREF(result);
      return nullptr;
    }
    Py_ssize_t length = box == Py_None ? 0 : PyUnicode_GET_LENGTH(text);
    if (length > 0) {
      int kind = PyUnicode_KIND(text);
      const void *data = PyUnicode_DATA(text);
      if (letter(PyUnicode_READ(kind, data, 0)) && letter(PyUnicode_READ(kind, data, length - 1))) {
        PyObject *x0 = PyTuple_GET_ITEM(box, 0), *x1 = PyTuple_GET_ITEM(box, 2);
        Py_INCREF(x0);
        Py_INCREF(x1);
        extent = pair(x0, x1);
      } else {
        Py_ssize_t first = 0, last = length;
        while (first < length && !letter(PyUnicode_READ(kind, data, first))) ++first;
        while (last > first && !letter(PyUnicode_READ(kind, data, last - 1))) --last;
        if (first < length) {
          double x0 = num(PyTuple_GET_ITEM(box, 0));
          double step = (num(PyTuple_GET_ITEM(box, 2)) - x0) / static_cast<double>(length);  // box.width / len(text)
          extent = pair(PyFloat_FromDouble(x0 + static_cast<double>(first) * step),
                        PyFloat_FromDouble(x0 + static_cast<double>(last) * step));
        }
      }
    }
    if (extent == nullptr) { Py_DECREF(result); return nullptr; }
    if (extent == Py_None) Py_INCREF(extent);
    PyList_SET_ITEM(result, k, extent);
  }
  return result;
}

// letters(words) -> list: placed.letter_extents.
PyObject *letters(PyObject *, PyObject *words) { return letters_of(words); }

// Marks.of's sorted starts and running right ends of a list of letter extents, as a pair of tuples.
PyObject *marks_of(PyObject *extents) {
  if (!PyList_Check(extents)) {
    PyErr_SetString(PyExc_TypeError, "marks: extents must be a list");
    return nullptr;
  }
  struct Extent { double start, end; PyObject *a, *b; };
  std::vector<Extent> solid;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(extents); ++k) {
    PyObject *e = PyList_GET_ITEM(extents, k);
    if (e == Py_None) continue;
    PyObject *a = PyTuple_GET_ITEM(e, 0), *b = PyTuple_GET_ITEM(e, 1);
    solid.push_back({num(a), num(b), a, b});
  }
  if (PyErr_Occurred()) return nullptr;
  std::stable_sort(solid.begin(), solid.end(), [](const Extent &p, const Extent &q) {
    return p.start < q.start || (p.start == q.start && p.end < q.end);
  });
  Py_ssize_t n = static_cast<Py_ssize_t>(solid.size());
  PyObject *starts = PyTuple_New(n), *reach = PyTuple_New(n);
  if (starts == nullptr || reach == nullptr) { Py_XDECREF(starts); Py_XDECREF(reach); return nullptr; }
  PyObject *far = nullptr;  // max() keeps the first of equal ends
  double far_x = 0;
  for (Py_ssize_t k = 0; k < n; ++k) {
    const Extent &e = solid[static_cast<size_t>(k)];
    if (far == nullptr || e.end > far_x) far = e.b, far_x = e.end;
    Py_INCREF(e.a);
    PyTuple_SET_ITEM(starts, k, e.a);
    Py_INCREF(far);
    PyTuple_SET_ITEM(reach, k, far);
  }
  return Py_BuildValue("(NN)", starts, reach);
}

// marks(extents) -> (starts, reach): Marks.of's sorted starts and running right ends.
PyObject *marks(PyObject *, PyObject *extents) { return marks_of(extents); }

// page_ink(lines, marks_type) -> (letters, marks): per line (.words, .box), placed.letter_extents of its words and
// Marks.of(line.box, those extents), made as marks_type (line_splits.Marks, a NamedTuple) makes it: tuple.__new__ of its fields.
PyObject *page_ink(PyObject *, PyObject *args) {
  PyObject *lines, *marks_type;
  if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &lines, &PyType_Type, &marks_type)) return nullptr;
  if (!PyType_IsSubtype(reinterpret_cast<PyTypeObject *>(marks_type), &PyTuple_Type)) {
    PyErr_SetString(PyExc_TypeError, "page_ink: marks_type must be a tuple type");
    return nullptr;
  }
  Py_ssize_t n = PyList_GET_SIZE(lines);
  PyObject *all_letters = PyList_New(n), *all_marks = PyList_New(n);
  if (all_letters == nullptr || all_marks == nullptr) { Py_XDECREF(all_letters); Py_XDECREF(all_marks); return nullptr; }
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject *line = PyList_GET_ITEM(lines, k), *made = nullptr;
    PyObject *words = PyObject_GetAttr(line, words_name), *box = words == nullptr ? nullptr : PyObject_GetAttr(line, box_name);
    PyObject *extents = box == nullptr ? nullptr : letters_of(words);
    PyObject *pair = extents == nullptr ? nullptr : marks_of(extents);
    if (pair != nullptr && PyTuple_Check(box) && PyTuple_GET_SIZE(box) == 4) {
      PyObject *fields = Py_BuildValue("((OOOO))", PyTuple_GET_ITEM(box, 0), PyTuple_GET_ITEM(box, 2), PyTuple_GET_ITEM(pair, 0),
                                       PyTuple_GET_ITEM(pair, 1));
      made = fields == nullptr ? nullptr : PyTuple_Type.tp_new(reinterpret_cast<PyTypeObject *>(marks_type), fields, nullptr);
      Py_XDECREF(fields);
    } else if (pair != nullptr) {
      PyErr_SetString(PyExc_TypeError, "page_ink: a line's box must be a box");
    }
    Py_XDECREF(words);
    Py_XDECREF(box);
    Py_XDECREF(pair);
    if (made == nullptr) {
      Py_XDECREF(extents);
      Py_DECREF(all_letters);
      Py_DECREF(all_marks);
      return nullptr;
    }
    PyList_SET_ITEM(all_letters, k, extents);
    PyList_SET_ITEM(all_marks, k, made);
  }
  return Py_BuildValue("(NN)", all_letters, all_marks);
}

// The box heights y1 - y0 of the words with a box (and, where extents is a list, a letter extent).
bool heights_of(PyObject *words, PyObject *extents, std::vector<double> &heights) {
  for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(words); ++k) {
    if (extents != nullptr && PyList_GET_ITEM(extents, k) == Py_None) continue;
    PyObject *box = PyObject_GetAttr(PyTuple_GET_ITEM(words, k), box_name);
    if (box == nullptr) return false;
    Py_DECREF(box);
    if (box != Py_None) heights.push_back(num(PyTuple_GET_ITEM(box, 3)) - num(PyTuple_GET_ITEM(box, 1)));
  }
  return !PyErr_Occurred();
}

// type_size(box, words) -> float: placed.type_size (the smaller of the box's height and the words' median height).
PyObject *type_size(PyObject *, PyObject *args) {
  PyObject *box, *words;
  if (!PyArg_ParseTuple(args, "O!O!", &PyTuple_Type, &box, &PyTuple_Type, &words)) return nullptr;
  std::vector<double> heights;
  if (!heights_of(words, nullptr, heights)) return nullptr;
  double height = num(PyTuple_GET_ITEM(box, 3)) - num(PyTuple_GET_ITEM(box, 1));
  if (!heights.empty()) {
    std::sort(heights.begin(), heights.end());
    size_t i = heights.size() / 2;  // statistics.median
    double median = heights.size() % 2 ? heights[i] : (heights[i - 1] + heights[i]) / 2;
    if (median < height) height = median;
  }
  return PyErr_Occurred() ? nullptr : PyFloat_FromDouble(height);
}

// low_height(words, extents) -> float: placed.low_height (the lower quartile of the solid words' box heights).
PyObject *low_height(PyObject *, PyObject *args) {
  PyObject *words, *extents;
  if (!PyArg_ParseTuple(args, "O!O!", &PyTuple_Type, &words, &PyList_Type, &extents)) return nullptr;
  if (PyList_GET_SIZE(extents) != PyTuple_GET_SIZE(words)) {
    PyErr_SetString(PyExc_ValueError, "low_height: one letter extent per word");
    return nullptr;
  }
  std::vector<double> heights;
  if (!heights_of(words, extents, heights)) return nullptr;
  if (heights.empty()) return PyFloat_FromDouble(0.0);
  std::sort(heights.begin(), heights.end());
  return PyFloat_FromDouble(heights[heights.size() / 4]);
}

// gaps_below(cores, h) -> list: stories._gaps_below (cores: line boxes sorted by their tops).
PyObject *gaps_below(PyObject *, PyObject *args) {
  PyObject *cores;
  double h;
  if (!PyArg_ParseTuple(args, "O!d", &PyList_Type, &cores, &h)) return nullptr;
  Py_ssize_t n = PyList_GET_SIZE(cores);
  std::vector<double> x0(n), y0(n), x1(n), y1(n);
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject *box = PyList_GET_ITEM(cores, k);
    if (!PyTuple_Check(box) || PyTuple_GET_SIZE(box) != 4) {
      PyErr_SetString(PyExc_TypeError, "gaps_below: cores must be boxes");
      return nullptr;
    }
    x0[k] = num(PyTuple_GET_ITEM(box, 0)), y0[k] = num(PyTuple_GET_ITEM(box, 1));
    x1[k] = num(PyTuple_GET_ITEM(box, 2)), y1[k] = num(PyTuple_GET_ITEM(box, 3));
  }
  if (PyErr_Occurred()) return nullptr;
  PyObject *gaps = PyList_New(0);
  if (gaps == nullptr) return nullptr;
  for (Py_ssize_t k = 0; k < n; ++k) {
    // the next 19 lines down the page, from the first one starting below this one's foot
    Py_ssize_t first = std::lower_bound(y0.begin(), y0.end(), y1[k] - 0.25 * h) - y0.begin();
    for (Py_ssize_t j = std::max(k + 1, first); j < std::min(k + 20, n); ++j) {
      if (std::min(x1[j], x1[k]) - std::max(x0[j], x0[k]) > 0.5 * std::min(x1[j] - x0[j], x1[k] - x0[k])) {
        // o.y0 - core.y1 of the boxes' own numbers
        PyObject *gap = PyNumber_Subtract(PyTuple_GET_ITEM(PyList_GET_ITEM(cores, j), 1), PyTuple_GET_ITEM(PyList_GET_ITEM(cores, k), 3));
        if (gap == nullptr || PyList_Append(gaps, gap) < 0) { Py_XDECREF(gap); Py_DECREF(gaps); return nullptr; }
        Py_DECREF(gap);
        break;
      }
    }
  }
  return gaps;
}

// Python's bisect_left (right = false) or bisect_right (right = true) of x in a list of numbers, step by step as it takes them.
Py_ssize_t list_bisect(PyObject *values, double x, bool right) {
  Py_ssize_t lo = 0, hi = PyList_GET_SIZE(values);
  while (lo < hi) {
    Py_ssize_t mid = (lo + hi) / 2;
    double v = num(PyList_GET_ITEM(values, mid));
    if (right ? x < v : !(v < x)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// row_splits(box, gaps, blanks, middles, h, constants) -> list: line_splits._row_splits (gaps: its _inner_gaps; blanks and
// middles: a RowBlanks' two lists; constants: line_splits._KERNEL_ROWS, ROW_NEAR, ROW_INDENT, RIVER).
PyObject *row_splits(PyObject *, PyObject *args) {
  PyObject *box, *gaps, *blanks, *middles, *constants;
  double h, row_near, row_indent, river_factor;
  if (!PyArg_ParseTuple(args, "O!O!O!O!dO!", &PyTuple_Type, &box, &PyList_Type, &gaps, &PyList_Type, &blanks, &PyList_Type, &middles, &h,
                        &PyTuple_Type, &constants))
    return nullptr;
  if (!PyArg_ParseTuple(constants, "ddd", &row_near, &row_indent, &river_factor)) return nullptr;
  if (PyTuple_GET_SIZE(box) != 4 || PyList_GET_SIZE(blanks) != PyList_GET_SIZE(middles)) {
    PyErr_SetString(PyExc_ValueError, "row_splits: a box, one middle per blank");
    return nullptr;
  }
  double x0 = num(PyTuple_GET_ITEM(box, 0)), y0 = num(PyTuple_GET_ITEM(box, 1)), x1 = num(PyTuple_GET_ITEM(box, 2)), y1 = num(PyTuple_GET_ITEM(box, 3));
  double middle = (y0 + y1) / 2;
  Py_ssize_t lo = list_bisect(middles, middle - row_near * h, false), hi = list_bisect(middles, middle + row_near * h, true);
  struct Blank { double middle, x0, x1; };
  std::vector<Blank> near;  // only blanks the line reaches over
  for (Py_ssize_t k = lo; k < hi; ++k) {
    PyObject *blank = PyList_GET_ITEM(blanks, k);
    if (!PyTuple_Check(blank) || PyTuple_GET_SIZE(blank) != 3) {
      PyErr_SetString(PyExc_TypeError, "row_splits: blanks must be RowBlanks");
      return nullptr;
    }
    Blank r = {num(PyTuple_GET_ITEM(blank, 0)), num(PyTuple_GET_ITEM(blank, 1)), num(PyTuple_GET_ITEM(blank, 2))};
    if (x0 <= r.x0 - h && x1 >= r.x1 + h && std::fabs(r.middle - middle) > h / 2) near.push_back(r);
  }
  if (PyErr_Occurred()) return nullptr;
  std::vector<Py_ssize_t> splits;
  for (Py_ssize_t g = 0; g < PyList_GET_SIZE(gaps) && !near.empty(); ++g) {
    PyObject *gap = PyList_GET_ITEM(gaps, g);
    if (!PyTuple_Check(gap) || PyTuple_GET_SIZE(gap) != 3) {
      PyErr_SetString(PyExc_TypeError, "row_splits: gaps must be (k, left, right)");
      return nullptr;
    }
    Py_ssize_t k = PyLong_AsSsize_t(PyTuple_GET_ITEM(gap, 0));
    double left = num(PyTuple_GET_ITEM(gap, 1)), right = num(PyTuple_GET_ITEM(gap, 2));
    for (const Blank &r : near) {
      double over = r.x1 - right;
      if (r.x0 - left <= h && -h <= over && over <= row_indent * h && std::min(r.x1, right) - std::max(r.x0, left) >= river_factor * h) {
        splits.push_back(k);
        break;
      }
    }
  }
  if (PyErr_Occurred()) return nullptr;
  return int_list(splits);
}

// page_edges(pieces, h, side, constants) -> list: line_splits._page_edges of pieces ((box, type size, whole) tuples) at
// box[side] (0: left edges, 2: right ones); constants: line_splits._KERNEL_EDGES (HEADLINE, EDGE_LINES). Each group's
// median edge is statistics.median's (the middle edge's own number, or the mean of the middle two as Python adds them).
PyObject *page_edges(PyObject *, PyObject *args) {
  PyObject *pieces, *constants;
  double h;
  int side;
  if (!PyArg_ParseTuple(args, "O!diO!", &PyList_Type, &pieces, &h, &side, &PyTuple_Type, &constants)) return nullptr;
  double headline;
  Py_ssize_t least;
  if (!PyArg_ParseTuple(constants, "dn", &headline, &least)) return nullptr;
  if (side != 0 && side != 2) {
    PyErr_SetString(PyExc_ValueError, "page_edges: side 0 or 2");
    return nullptr;
  }
  struct Edge { double x, middle; PyObject *edge; bool whole; };
  std::vector<Edge> edges;
  double large = headline * h;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(pieces); ++k) {
    PyObject *piece = PyList_GET_ITEM(pieces, k);
    if (!PyTuple_Check(piece) || PyTuple_GET_SIZE(piece) != 3 || !PyTuple_Check(PyTuple_GET_ITEM(piece, 0)) || PyTuple_GET_SIZE(PyTuple_GET_ITEM(piece, 0)) != 4) {
      PyErr_SetString(PyExc_TypeError, "page_edges: pieces must be (box, size, whole)");
      return nullptr;
    }
    if (!(num(PyTuple_GET_ITEM(piece, 1)) < large)) continue;
    PyObject *box = PyTuple_GET_ITEM(piece, 0), *edge = PyTuple_GET_ITEM(box, side);
    int whole = PyObject_IsTrue(PyTuple_GET_ITEM(piece, 2));
    if (whole < 0) return nullptr;
    edges.push_back({num(edge), (num(PyTuple_GET_ITEM(box, 1)) + num(PyTuple_GET_ITEM(box, 3))) / 2, edge, whole == 1});
  }
  if (PyErr_Occurred()) return nullptr;
  std::stable_sort(edges.begin(), edges.end(), [](const Edge &a, const Edge &b) { return a.x < b.x; });
  PyObject *result = PyList_New(0);
  if (result == nullptr) return nullptr;
  for (size_t first = 0, end; first < edges.size(); first = end) {
    bool whole = false;
    for (end = first; end < edges.size() && (end == first || edges[end].x - edges[first].x <= h / 2); ++end) whole = whole || edges[end].whole;
    size_t n = end - first;
    if (static_cast<Py_ssize_t>(n) < least || !whole) continue;
    PyObject *median;
    if (n % 2) {
      median = edges[first + n / 2].edge;
      Py_INCREF(median);
    } else {
      PyObject *sum = PyNumber_Add(edges[first + n / 2 - 1].edge, edges[first + n / 2].edge), *two = PyLong_FromLong(2);
      median = sum == nullptr || two == nullptr ? nullptr : PyNumber_TrueDivide(sum, two);
      Py_XDECREF(sum);
      Py_XDECREF(two);
    }
    std::vector<double> middles;
    for (size_t k = first; k < end; ++k) middles.push_back(edges[k].middle);
    std::sort(middles.begin(), middles.end());
    PyObject *rows = PyTuple_New(static_cast<Py_ssize_t>(n));
    for (size_t k = 0; rows != nullptr && k < n; ++k) {
      PyObject *y = PyFloat_FromDouble(middles[k]);
      if (y == nullptr) Py_CLEAR(rows);
      else PyTuple_SET_ITEM(rows, static_cast<Py_ssize_t>(k), y);
    }
    PyObject *group = median == nullptr || rows == nullptr ? nullptr : PyTuple_Pack(2, median, rows);
    Py_XDECREF(median);
    Py_XDECREF(rows);
    if (group == nullptr || PyList_Append(result, group) < 0) {
      Py_XDECREF(group);
      Py_DECREF(result);
      return nullptr;
    }
    Py_DECREF(group);
  }
  return result;
}

// row_blanks(boxes, h, blank_type) -> (blanks, middles): line_splits._row_blanks' two lists, each blank made as blank_type
// (line_splits.RowBlank, a NamedTuple of its middle and its ends, the boxes' own numbers) makes it: tuple.__new__ of its fields.
PyObject *row_blanks(PyObject *, PyObject *args) {
  PyObject *boxes, *blank_type;
  double h;
  if (!PyArg_ParseTuple(args, "O!dO!", &PyList_Type, &boxes, &h, &PyType_Type, &blank_type)) return nullptr;
  if (!PyType_IsSubtype(reinterpret_cast<PyTypeObject *>(blank_type), &PyTuple_Type)) {
    PyErr_SetString(PyExc_TypeError, "row_blanks: blank_type must be a tuple type");
    return nullptr;
  }
  struct Row { double middle, x0, x1, width; PyObject *left, *right; };  // a box: its middle, its ends (and their objects)
  std::vector<Row> sorted;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(boxes); ++k) {
    PyObject *box = PyList_GET_ITEM(boxes, k);
    if (!PyTuple_Check(box) || PyTuple_GET_SIZE(box) != 4) {
      PyErr_SetString(PyExc_TypeError, "row_blanks: boxes must be boxes");
      return nullptr;
    }
    double x0 = num(PyTuple_GET_ITEM(box, 0)), x1 = num(PyTuple_GET_ITEM(box, 2));
    sorted.push_back({(num(PyTuple_GET_ITEM(box, 1)) + num(PyTuple_GET_ITEM(box, 3))) / 2, x0, x1, x1 - x0, PyTuple_GET_ITEM(box, 0),
                      PyTuple_GET_ITEM(box, 2)});
  }
  if (PyErr_Occurred()) return nullptr;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Row &a, const Row &b) { return a.middle < b.middle; });
  struct Blank { double middle; PyObject *x0, *x1; };
  std::vector<Blank> found;
  double wide = 4 * h;
  for (size_t first = 0, end; first < sorted.size(); first = end) {
    for (end = first + 1; end < sorted.size() && !(sorted[end].middle - sorted[first].middle > h / 2); ++end) {}
    if (end - first < 2) continue;
    double middle = sorted[first + (end - first) / 2].middle;  // the boxes come by their middles
    std::vector<Row> row(sorted.begin() + static_cast<std::ptrdiff_t>(first), sorted.begin() + static_cast<std::ptrdiff_t>(end));
    std::stable_sort(row.begin(), row.end(), [](const Row &a, const Row &b) { return a.x0 < b.x0; });
    for (size_t k = 1; k < row.size(); ++k)
      if (row[k].x0 > row[k - 1].x1 && std::min(row[k - 1].width, row[k].width) >= wide) found.push_back({middle, row[k - 1].right, row[k].left});
  }
  std::stable_sort(found.begin(), found.end(), [](const Blank &a, const Blank &b) { return a.middle < b.middle; });
  PyObject *blanks = PyList_New(static_cast<Py_ssize_t>(found.size())), *middles = PyList_New(static_cast<Py_ssize_t>(found.size()));
  if (blanks == nullptr || middles == nullptr) { Py_XDECREF(blanks); Py_XDECREF(middles); return nullptr; }
  for (size_t k = 0; k < found.size(); ++k) {
    PyObject *middle = PyFloat_FromDouble(found[k].middle);
    PyObject *fields = middle == nullptr ? nullptr : Py_BuildValue("((OOO))", middle, found[k].x0, found[k].x1);
    PyObject *blank = fields == nullptr ? nullptr : PyTuple_Type.tp_new(reinterpret_cast<PyTypeObject *>(blank_type), fields, nullptr);
    Py_XDECREF(fields);
    if (blank == nullptr) { Py_XDECREF(middle); Py_DECREF(blanks); Py_DECREF(middles); return nullptr; }
    PyList_SET_ITEM(blanks, static_cast<Py_ssize_t>(k), blank);
    PyList_SET_ITEM(middles, static_cast<Py_ssize_t>(k), middle);
  }
  return Py_BuildValue("(NN)", blanks, middles);
}

// Whether a character is set without spaces: tight[ch] (tight: ocrfix.formats.model._TIGHT, a mapping of one
// character to that), kept per character seen for the mapping last asked, so that a character is looked up in C.
struct TightCache {
  PyObject *mapping = nullptr;
  std::unordered_map<Py_UCS4, bool> seen;
};
TightCache tight_cache;

int tight_of(PyObject *tight, Py_UCS4 ch) {
  if (tight != tight_cache.mapping) {
    Py_INCREF(tight);
    Py_XSETREF(tight_cache.mapping, tight);
    tight_cache.seen.clear();
  }
  auto found = tight_cache.seen.find(ch);
  if (found != tight_cache.seen.end()) return found->second;
  PyObject *key = PyUnicode_FromOrdinal(static_cast<int>(ch));
  PyObject *value = key == nullptr ? nullptr : PyObject_GetItem(tight, key);
  Py_XDECREF(key);
  int is = value == nullptr ? -1 : PyObject_IsTrue(value);
  Py_XDECREF(value);
  if (is >= 0) tight_cache.seen.emplace(ch, is == 1);
  return is;
}

// model.join_words of one line's words' texts (new references, all str), tight: model._TIGHT.
PyObject *joined(const std::vector<PyObject *> &texts, PyObject *tight) {
  bool all = true;
  for (size_t w = 0; w < texts.size() && all; ++w) {
    PyObject *text = texts[w];
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(text) && all; ++i) {
      int is = tight_of(tight, PyUnicode_READ_CHAR(text, i));
      if (is < 0) return nullptr;
      all = is == 1;
    }
  }
  PyObject *pieces = PyList_New(0);
  if (pieces == nullptr) return nullptr;
  PyObject *space = all ? nullptr : PyUnicode_FromString(" ");
  bool ok = all || space != nullptr, any = false;
  Py_UCS4 last = 0;  // the last character so far
  for (PyObject *text : texts) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (!ok || n == 0) continue;
    if (!all && any) {  // no space between two characters set tight
      int a = tight_of(tight, last), b = a == 1 ? tight_of(tight, PyUnicode_READ_CHAR(text, 0)) : a;
      if (a < 0 || b < 0) ok = false;
      else if (!(a == 1 && b == 1) && PyList_Append(pieces, space) < 0) ok = false;
    }
    if (ok && PyList_Append(pieces, text) < 0) ok = false;
    last = PyUnicode_READ_CHAR(text, n - 1), any = true;
  }
  Py_XDECREF(space);
  PyObject *empty = ok ? PyUnicode_FromString("") : nullptr;
  PyObject *line = empty == nullptr ? nullptr : PyUnicode_Join(empty, pieces);
  Py_XDECREF(empty);
  Py_DECREF(pieces);
  return line;
}

// line_texts(lines, tight) -> list: each line's Line.text() (model.join_words of its words' texts; tight: model._TIGHT).
PyObject *line_texts(PyObject *, PyObject *args) {
  PyObject *lines, *tight;
  if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &lines, &tight)) return nullptr;
  Py_ssize_t n = PyList_GET_SIZE(lines);
  PyObject *result = PyList_New(n);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject *words = PyObject_GetAttr(PyList_GET_ITEM(lines, k), words_name), *line = nullptr;
    std::vector<PyObject *> texts;
    if (words != nullptr && !PyTuple_Check(words)) PyErr_SetString(PyExc_TypeError, "line_texts: a line's words must be a tuple");
    for (Py_ssize_t w = 0; words != nullptr && PyTuple_Check(words) && w < PyTuple_GET_SIZE(words) && !PyErr_Occurred(); ++w) {
      PyObject *text = PyObject_GetAttr(PyTuple_GET_ITEM(words, w), text_name);
      if (text != nullptr && !PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "line_texts: a word's text must be a str");
        Py_CLEAR(text);
      }
      if (text != nullptr) texts.push_back(text);
    }
    if (!PyErr_Occurred()) line = joined(texts, tight);
    for (PyObject *text : texts) Py_DECREF(text);
    Py_XDECREF(words);
    if (line == nullptr) {
      Py_DECREF(result);
      return nullptr;
    }
    PyList_SET_ITEM(result, k, line);
  }
  return result;
}

// The ends of the lines' core boxes along one axis (axis 0: x0, x1; 1: y0, y1), with those numbers' objects.
struct Span {
  double start, end;
  PyObject *a, *b;
};

// spans of items (a sequence of objects with a .core Box); false with an exception set.
bool spans_of(PyObject *items, int axis, std::vector<Span> &out) {
  PyObject *seq = PySequence_Fast(items, "items must be a sequence");
  if (seq == nullptr) return false;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  out.reserve(static_cast<size_t>(n));
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject *core = PyObject_GetAttr(PySequence_Fast_GET_ITEM(seq, k), core_name);
    if (core == nullptr) { Py_DECREF(seq); return false; }
    Py_DECREF(core);  // the item holds it
    if (!PyTuple_Check(core) || PyTuple_GET_SIZE(core) != 4) {
      PyErr_SetString(PyExc_TypeError, "an item's core must be a box");
      Py_DECREF(seq);
      return false;
    }
    PyObject *a = PyTuple_GET_ITEM(core, axis), *b = PyTuple_GET_ITEM(core, axis + 2);
    out.push_back({num(a), num(b), a, b});
  }
  Py_DECREF(seq);
  return !PyErr_Occurred();
}

// span_gaps(items, axis, min_gap) -> list: stories._gaps of the items' core spans along axis (0: x, 1: y), the
// gaps' ends the boxes' own numbers.
PyObject *span_gaps(PyObject *, PyObject *args) {
  PyObject *items;
  int axis;
  double min_gap;
  if (!PyArg_ParseTuple(args, "Oid", &items, &axis, &min_gap)) return nullptr;
  if (axis != 0 && axis != 1) {
    PyErr_SetString(PyExc_ValueError, "span_gaps: axis 0 or 1");
    return nullptr;
  }
  std::vector<Span> spans;
  if (!spans_of(items, axis, spans)) return nullptr;
  PyObject *gaps = PyList_New(0);
  if (gaps == nullptr || spans.empty()) return gaps;
  std::stable_sort(spans.begin(), spans.end(), [](const Span &p, const Span &q) {
    return p.start < q.start || (p.start == q.start && p.end < q.end);
  });
  PyObject *reach = spans[0].b;
  double reach_x = spans[0].end;
  for (size_t k = 1; k < spans.size(); ++k) {
    if (spans[k].start - reach_x >= min_gap) {
      PyObject *gap = Py_BuildValue("(OO)", reach, spans[k].a);
      if (gap == nullptr || PyList_Append(gaps, gap) < 0) { Py_XDECREF(gap); Py_DECREF(gaps); return nullptr; }
      Py_DECREF(gap);
    }
    if (spans[k].end > reach_x) reach = spans[k].b, reach_x = spans[k].end;
  }
  return gaps;
}

// split(items, cuts, axis) -> list: stories._split of items at cuts (sorted) by their core's start along axis (0: x0, 1: y0).
PyObject *split(PyObject *, PyObject *args) {
  PyObject *items, *cuts;
  int axis;
  if (!PyArg_ParseTuple(args, "OO!i", &items, &PyList_Type, &cuts, &axis)) return nullptr;
  if (axis != 0 && axis != 1) {
    PyErr_SetString(PyExc_ValueError, "split: axis 0 or 1");
    return nullptr;
  }
  std::vector<double> at;
  for (Py_ssize_t k = 0; k < PyList_GET_SIZE(cuts); ++k) at.push_back(num(PyList_GET_ITEM(cuts, k)));
  std::vector<Span> spans;
  if (PyErr_Occurred() || !spans_of(items, axis, spans)) return nullptr;
  PyObject *seq = PySequence_Fast(items, "items must be a sequence");
  if (seq == nullptr) return nullptr;
  std::vector<PyObject *> parts(at.size() + 1, nullptr);
  bool failed = false;
  for (size_t k = 0; k < spans.size() && !failed; ++k) {
    size_t lo = 0, hi = at.size();  // bisect_right, step by step as Python's
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (spans[k].start < at[mid]) hi = mid; else lo = mid + 1;
    }
    if (parts[lo] == nullptr && (parts[lo] = PyList_New(0)) == nullptr) failed = true;
    else if (PyList_Append(parts[lo], PySequence_Fast_GET_ITEM(seq, static_cast<Py_ssize_t>(k))) < 0) failed = true;
  }
  Py_DECREF(seq);
  PyObject *result = failed ? nullptr : PyList_New(0);
  for (PyObject *part : parts) {
    if (part == nullptr) continue;
    if (result != nullptr && PyList_Append(result, part) < 0) Py_CLEAR(result);
    Py_DECREF(part);
  }
  return result;
}

PyMethodDef methods[] = {
    {"gaps", gaps, METH_VARARGS, "The cuts of line_splits._word_gaps and those of them at a column rule."},
    {"letters", letters, METH_O, "placed.letter_extents of a tuple of words."},
    {"marks", marks, METH_O, "Marks.of's starts and reach of a line's letter extents (None ones skipped)."},
    {"type_size", type_size, METH_VARARGS, "placed.type_size of a box and a tuple of words."},
    {"low_height", low_height, METH_VARARGS, "placed.low_height of a tuple of words and their letter extents."},
    {"gaps_below", gaps_below, METH_VARARGS, "stories._gaps_below of line boxes sorted by their tops."},
    {"channel_splits", channel_splits, METH_VARARGS, "line_splits._channel_splits of a line's (or a piece's) letter extents and its band."},
    {"page_ink", page_ink, METH_VARARGS, "placed.letter_extents and Marks.of of every line of a page."},
    {"row_splits", row_splits, METH_VARARGS, "line_splits._row_splits of a line (or a piece of one) and its page's row blanks."},
    {"page_edges", page_edges, METH_VARARGS, "line_splits._page_edges of a page's lines and pieces."},
    {"row_blanks", row_blanks, METH_VARARGS, "line_splits._row_blanks of a page's boxes of body type."},
    {"line_texts", line_texts, METH_VARARGS, "Line.text of every line of a page."},
    {"inner_gaps", inner_gaps_of, METH_VARARGS, "line_splits._inner_gaps of a line's (or a piece's) letter extents."},
    {"span_gaps", span_gaps, METH_VARARGS, "stories._gaps of the spans of items' core boxes along an axis."},
    {"split", split, METH_VARARGS, "stories._split of items at cuts along an axis."},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef module = {PyModuleDef_HEAD_INIT, "_layout_kernel", "The layout analysis's per-word and per-line loops in C++.", -1, methods,
                      nullptr, nullptr, nullptr, nullptr};

}  // namespace

PyMODINIT_FUNC PyInit__layout_kernel() {
  box_name = PyUnicode_InternFromString("box");
  text_name = PyUnicode_InternFromString("text");
  core_name = PyUnicode_InternFromString("core");
  words_name = PyUnicode_InternFromString("words");
  if (box_name == nullptr || text_name == nullptr || core_name == nullptr || words_name == nullptr) return nullptr;
  PyObject *m = PyModule_Create(&module);
  // Raise INTERFACE with ocrfix.formats.stories.KERNEL_INTERFACE whenever a function's arguments or
  // results change: a build of another interface (an in-place build older than this file) is then left
  // unused instead of called wrongly.
  if (m != nullptr && PyModule_AddIntConstant(m, "INTERFACE", 3) < 0) {
    Py_DECREF(m);
    return nullptr;
  }
  return m;
}
