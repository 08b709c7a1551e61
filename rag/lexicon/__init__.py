"""The one lexicon: how text becomes words, index terms and numbers, and the names of months and days.

BM25, the ranker's features, verification and the date code all read text through here, so that a
word means the same thing to each of them: "21,000" is one term, 21000, whether it is indexed,
weighed by its IDF or checked against a source. Pure functions and word lists; the bottom layer.

    words     tokens, stop words, stems, index and content terms, name folding, negation
    numbers   the numbers and quantities a text states
    calendar  month and weekday names, and `When`: a date with its precision
"""
