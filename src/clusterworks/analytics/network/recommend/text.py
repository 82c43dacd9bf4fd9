"""TF-IDF profiles of free text, computed locally (nothing downloaded): words of two letters or more
(any alphabet, lower-cased), sublinear term frequency ``1 + log tf``, smoothed inverse document
frequency ``log((1 + N) / (1 + df)) + 1``, rows L2-normalised; the similarity of two texts is the
cosine of their rows [1]_.

References
----------
.. [1] G. Salton and C. Buckley, "Term-weighting approaches in automatic text retrieval",
   *Information Processing & Management* 24 (1988) 513-523. :doi:`10.1016/0306-4573(88)90021-0`

Examples
--------
>>> tf = TfidfProfiles.build(["cardiac imaging devices", "imaging software", "vaccine trials"])
>>> sims = tf.similarity_to("imaging of the heart: cardiac devices")  # unknown words left out
>>> [round(float(s), 2) for s in sims]
[1.0, 0.29, 0.0]
>>> tf.shared_terms("cardiac imaging", 0, limit=2)
['cardiac', 'imaging']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["TfidfProfiles", "tokens"]

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def tokens(text: str) -> list[str]:
    """The words of ``text``: runs of two letters or more, lower-cased."""
    return [w.lower() for w in _WORD.findall(text or "")]


@dataclass(frozen=True, eq=False)
class TfidfProfiles:
    """One L2-normalised TF-IDF row per document (``matrix``, ``documents x terms``)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    matrix: sp.csr_matrix

    @classmethod
    def build(cls, documents: Sequence[str]) -> TfidfProfiles:
        counts = [Counter(tokens(d)) for d in documents]
        vocabulary: dict[str, int] = {}
        for c in counts:
            for w in sorted(c):
                vocabulary.setdefault(w, len(vocabulary))
        df = np.zeros(len(vocabulary))
        for c in counts:
            for w in c:
                df[vocabulary[w]] += 1
        idf = np.log((1.0 + len(documents)) / (1.0 + df)) + 1.0
        matrix = cls._rows(counts, vocabulary, idf)
        return cls(vocabulary, idf, matrix)

    @staticmethod
    def _rows(counts: Sequence[Counter], vocabulary: dict[str, int], idf: np.ndarray) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for i, c in enumerate(counts):
            for w, tf in c.items():
                j = vocabulary.get(w)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append((1.0 + np.log(tf)) * idf[j])
        m = sp.csr_matrix((vals, (rows, cols)), shape=(len(counts), len(vocabulary)))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        return (sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ m).tocsr()

    def vector(self, text: str) -> sp.csr_matrix:
        """The 1 x terms row of a new text (words unknown to the profiles are left out)."""
        return self._rows([Counter(tokens(text))], self.vocabulary, self.idf)

    def similarity_to(self, text: str) -> np.ndarray:
        """The cosine of ``text`` with every document."""
        return np.asarray((self.matrix @ self.vector(text).T).todense()).ravel()

    def pair_similarity(self, left: sp.csr_matrix, right: np.ndarray) -> np.ndarray:
        """Cosine of the rows of ``left`` (one per pair) with the documents ``right``."""
        return np.asarray(left.multiply(self.matrix[right]).sum(axis=1)).ravel()

    def shared_terms(self, text: str, document: int, limit: int = 3) -> list[str]:
        """The words of ``text`` that weigh most in the similarity with ``document``."""
        q = self.vector(text)
        d = self.matrix[document]
        product = q.multiply(d).tocoo()
        terms = {j: w for w, j in self.vocabulary.items()}
        order = sorted(zip(-product.data, product.col.tolist(), strict=True))
        return [terms[j] for _, j in order[:limit]]
