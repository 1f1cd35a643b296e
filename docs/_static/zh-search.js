// Chinese readers type queries without spaces. Sphinx looks each query token up whole, so
// "叶子张量的梯度" would find nothing: cut each run of Chinese text into the longest words the
// search index knows (forward maximum matching) and search for those.
(function () {
  const splitWords = (query) =>
    query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((t) => t);
  const han = /\p{Script=Han}/u;
  const longestWord = 8;

  function known(word) {
    // searchtools.js declares Search with const: it is global but not a property of window.
    const index = (typeof Search !== "undefined" && Search._index) || {};
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

// Sphinx 9.0.4 ends the Chinese language_data.js with `window.Stemmer = ChineseStemmer`, a name
// it never defines, so search stops with a ReferenceError. Chinese search stems Latin words with
// the English stemmer (sphinx/search/zh.py); give that stemmer the expected name.
if (typeof window.ChineseStemmer === "undefined") {
  window.ChineseStemmer = function () {
    const english = new EnglishStemmer();
    this.stemWord = (word) => english.stemWord(word);
  };
}
