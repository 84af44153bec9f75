package audit

// Actions, shared by the console, the API and the jobs. The values are
// stored in audit_log.action: they never change, so old entries still
// read right. Each is listed in Actions and has a label in both catalogs
// (key "audit." + the action).
const (
	AccountAuthTokenRegenerated   = "account.auth_token_regenerated"
	AccountRenamed                = "account.renamed"
	AccountSecondaryTokenCreated  = "account.secondary_token_created"
	AccountSecondaryTokenDeleted  = "account.secondary_token_deleted"
	AccountSecondaryTokenPromoted = "account.secondary_token_promoted"
	AccountStatusChanged          = "account.status_changed"
	AccountSubaccountCreated      = "account.subaccount_created"

	CallEnded = "call.ended"

	CardAdded       = "card.added"
	CardMadePrimary = "card.made_primary"
	CardMoved       = "card.moved"
	CardRemoved     = "card.removed"

	FundsAdded                 = "funds.added"
	FundsAlertAdded            = "funds.alert_added"
	FundsAlertRemoved          = "funds.alert_removed"
	FundsAutoRechargeChanged   = "funds.auto_recharge_changed"
	FundsAutoRechargeSucceeded = "funds.auto_recharge_succeeded"
	FundsAutoRechargeFailed    = "funds.auto_recharge_failed"
	FundsCredited              = "funds.credited"
	FundsPreferencesChanged    = "funds.preferences_changed"
	FundsTrialCredited         = "funds.trial_credited"

	KeyCreated = "key.created"
	KeyRenamed = "key.renamed"
	KeyRevoked = "key.revoked"

	MemberInvited              = "member.invited"
	MemberInvitationResent     = "member.invitation_resent"
	MemberInvitationRevoked    = "member.invitation_revoked"
	MemberJoined               = "member.joined"
	MemberLeft                 = "member.left"
	MemberOwnershipTransferred = "member.ownership_transferred"
	MemberRemoved              = "member.removed"
	MemberRoleChanged          = "member.role_changed"

	MessageDeleted  = "message.deleted"
	MessageRedacted = "message.redacted"

	NumberBought   = "number.bought"
	NumberReleased = "number.released"
	NumberRenamed  = "number.renamed"

	ProjectClosed            = "project.closed"
	ProjectCreated           = "project.created"
	ProjectCurrencyChanged   = "project.currency_changed"
	ProjectRenamed           = "project.renamed"
	ProjectRequire2FAChanged = "project.require_2fa_changed"
	ProjectSuspendedForFunds = "project.suspended_for_funds"
	ProjectSuspensionLifted  = "project.suspension_lifted"
	ProjectTimeZoneChanged   = "project.time_zone_changed"

	UsageTriggerCreated = "usage_trigger.created"
	UsageTriggerUpdated = "usage_trigger.updated"
	UsageTriggerDeleted = "usage_trigger.deleted"
	UsageTriggerFired   = "usage_trigger.fired"

	UserEmailChanged       = "user.email_changed"
	UserEmailVerified      = "user.email_verified"
	UserVerificationMailed = "user.verification_mailed"
	// UserEmailChangeRequested is a change of address waiting for the new
	// address's confirmation; UserEmailChanged is its confirmation.
	UserEmailChangeRequested   = "user.email_change_requested"
	UserEmailChangeCancelled   = "user.email_change_cancelled"
	UserPasswordReset          = "user.password_reset"
	UserPasswordResetRequested = "user.password_reset_requested"
	// UserTwoFactorReset is the operator's removal of a user's 2FA
	// (`console admin reset-2fa`).
	UserTwoFactorReset      = "user.two_factor_reset"
	UserFriendlyNameChanged = "user.friendly_name_changed"
	UserLanguageChanged     = "user.language_changed"
	UserPasswordChanged     = "user.password_changed"
	UserProjectSwitched     = "user.project_switched"
	UserServicePinned       = "user.service_pinned"
	UserServiceUnpinned     = "user.service_unpinned"
	UserSignInFailed        = "user.sign_in_failed"
	UserReauthFailed        = "user.reauth_failed"
	UserSignedIn            = "user.signed_in"
	UserSignedOut           = "user.signed_out"
	UserSignedUp            = "user.signed_up"
	UserDeleted             = "user.deleted"
	UserSubaccountViewed    = "user.subaccount_viewed"
	UserTwoFactorDisabled   = "user.two_factor_disabled"
	UserTwoFactorEnabled    = "user.two_factor_enabled"

	UserSessionEnded             = "user.session_ended"
	UserOtherSessionsEnded       = "user.other_sessions_ended"
	UserTrustedBrowserForgotten  = "user.trusted_browser_forgotten"
	UserRecoveryCodesRegenerated = "user.recovery_codes_regenerated"
)

// Actions lists every action, grouped by what they are about, in the
// order Monitor › Events offers them.
var Actions = []string{
	AccountSubaccountCreated, AccountRenamed, AccountStatusChanged,
	AccountAuthTokenRegenerated, AccountSecondaryTokenCreated, AccountSecondaryTokenPromoted, AccountSecondaryTokenDeleted,
	KeyCreated, KeyRenamed, KeyRevoked,
	ProjectCreated, ProjectRenamed, ProjectTimeZoneChanged, ProjectCurrencyChanged, ProjectRequire2FAChanged,
	ProjectSuspendedForFunds, ProjectSuspensionLifted, ProjectClosed,
	MemberInvited, MemberInvitationResent, MemberInvitationRevoked, MemberJoined, MemberRoleChanged, MemberRemoved, MemberLeft,
	MemberOwnershipTransferred,
	FundsAdded, FundsCredited, FundsAutoRechargeChanged, FundsAutoRechargeSucceeded, FundsAutoRechargeFailed,
	FundsAlertAdded, FundsAlertRemoved, FundsPreferencesChanged, FundsTrialCredited,
	CardAdded, CardMadePrimary, CardMoved, CardRemoved,
	NumberBought, NumberRenamed, NumberReleased,
	CallEnded,
	MessageRedacted, MessageDeleted,
	UsageTriggerCreated, UsageTriggerUpdated, UsageTriggerDeleted, UsageTriggerFired,
	UserSignedUp, UserSignedIn, UserSignInFailed, UserReauthFailed, UserSignedOut, UserProjectSwitched, UserSubaccountViewed,
	UserServicePinned, UserServiceUnpinned, UserFriendlyNameChanged, UserEmailChangeRequested, UserEmailChanged,
	UserEmailChangeCancelled, UserPasswordChanged, UserPasswordResetRequested, UserPasswordReset,
	UserLanguageChanged, UserTwoFactorEnabled, UserTwoFactorDisabled, UserTwoFactorReset, UserDeleted,
	UserVerificationMailed, UserEmailVerified,
	UserSessionEnded, UserOtherSessionsEnded, UserTrustedBrowserForgotten, UserRecoveryCodesRegenerated,
}

var known = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range Actions {
		m[a] = true
	}
	return m
}()

// Known reports whether action is one of Actions.
func Known(action string) bool { return known[action] }

// LabelKey is the catalog key of an action's label.
func LabelKey(action string) string { return "audit." + action }
