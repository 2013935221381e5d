"""The breach readiness kit: contacts, incident facts and the PDPA notification clock.

Headless and pure: the documents are rendered in `pdpa_check.exports.kit`.
"""
