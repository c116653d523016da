"""Files for a class: slideshows, worked examples, printed worksheets and their marks.

- :mod:`.slideshow`: a backward pass as SVG frames or one offline HTML page;
- :mod:`.export`: a pass as a Markdown table or CSV;
- :mod:`.worksheets`: worksheets as HTML, Markdown and PDF, with the answer key;
- :mod:`.gradebook`: a class's answers read, and their gradebook and report written;
- :mod:`.files`: writing into the user's folders safely.
"""
