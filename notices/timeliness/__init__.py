"""公开时限 (disclosure timeliness): how soon after its event each notice type must be published
(`rules`), the due moment the publishing services record (`services.publish_due`), and the
public page's monthly figures (`queries`)."""
