package web

import (
	"console/internal/mail"
	"console/internal/team"
)

// MembersData is Settings › User management.
type MembersData struct {
	Members     []*team.Member
	Invitations []*team.Invitation
	Invite      InviteForm
	// Roles the viewer may grant.
	Grantable []string
}

// InviteForm invites someone by email.
type InviteForm struct {
	Email, Role string
	Errors      FieldErrors
}

// InvitationData is the page an invitation link opens.
type InvitationData struct {
	Invitation *team.Invitation
	// State is the catalog key of why the invitation cannot be used, or "".
	State string
	// Mode: "accept" (signed in with the right email), "wrong_user",
	// "signin" (an account exists), "signup" (someone new).
	Mode   string
	SignUp InvitationSignUpForm
}

// InvitationSignUpForm creates the invitee's user.
type InvitationSignUpForm struct {
	Name   string
	Errors FieldErrors
}

// Require2FAData is the 2FA requirement section of Settings › General.
type Require2FAData struct {
	On        bool
	Without   []*team.Member
	CanManage bool
}

// MailboxData is the development mailbox.
type MailboxData struct {
	Mails []*mail.Mail
	Open  *mail.Mail
}
