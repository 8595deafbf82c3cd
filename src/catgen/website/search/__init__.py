"""The site's search index: documents (``documents``, ``guidetext``) cut into words (``tokens``),
written as a trie of shards each under a byte budget (``shards``); ``catgen.website.searchindex`` runs them."""
