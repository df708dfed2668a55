"""In-app notifications (the bell) and the one daily mail, for any app.

An app registers the kinds it sends (`kinds.register`, from its AppConfig.ready) and sends through
`notify(...)`; a kind registered with a mail section also travels in the person's daily digest
(`digest.mail`, run by `chiso remind`). The notifier knows no app: only the kinds they registered."""
