// Chinese readers type queries without spaces. Sphinx looks each query token up whole, so
// "叶子张量的梯度" would find nothing: cut each run of Chinese text into the longest words the
// search index knows (forward maximum matching) and search for those.
(function () {
  const splitWords = (query) =>
    query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((t) => t);
  const han = /\p{Script=Han}/u;
  const longestWord = 8;

  function known(word) {
    const index = (window.Search && Search._index) || {};
    return word in (index.terms || {}) || word in (index.titleterms || {});
  }

  function segment(token) {
    if (!han.test(token) || known(token)) return [token];
    const words = [];
    for (let i = 0; i < token.length; ) {
      let j = Math.min(token.length, i + longestWord);
      while (j > i + 1 && !known(token.slice(i, j))) j--;
      if (known(token.slice(i, j))) words.push(token.slice(i, j));
      i = j;
    }
    return words.length ? words : [token];
  }

  window.splitQuery = (query) => splitWords(query).flatMap(segment);
})();
