"""`pufa audit`: what the quarterly inspection of government websites (政府网站与政务新媒体检查
指标, 国办秘函〔2019〕19号) would find, found before the inspector does. Only what a static
site can know is checked: when the home page and each column last got an article, empty
columns, broken links, wording, personal numbers and the official account's last post."""
