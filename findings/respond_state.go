package findings

import (
	"time"
)

// ResponseState is the part of the run state that records the responses
// hunt made (State.Responses, absent in states written before responses
// existed). A change is recorded twice: as an intent before it is made
// and as done after, so a run killed between the two finishes the change
// on the next run instead of doing it twice or forgetting it.
type ResponseState struct {
	// Blocks are the addresses hunt put in WAF IP sets, and the ones it
	// is about to put there (AddedAt zero).
	Blocks []*BlockRecord `json:"blocks,omitempty"`
	// Actions are the IAM responses made or about to be made (DoneAt zero).
	Actions []*ActionRecord `json:"actions,omitempty"`
}

// BlockRecord is one address hunt blocked in one IP set: only addresses
// recorded here are ever removed by expiry.
type BlockRecord struct {
	IPSet   string `json:"ip_set"`  // the IP set's ARN
	Address string `json:"address"` // a /32 or /128 CIDR
	// HuntID, FindingID and Reason say why it was blocked.
	HuntID    string `json:"hunt_id"`
	FindingID string `json:"finding_id"`
	Reason    string `json:"reason"`
	// IntendedAt is when the run decided to block it; AddedAt when the IP
	// set was seen holding it after the update (zero while only intended).
	IntendedAt time.Time `json:"intended_at"`
	AddedAt    time.Time `json:"added_at,omitzero"`
}

// ActionRecord is one IAM response.
type ActionRecord struct {
	Kind      string `json:"kind"`           // RespondRevokeRoleSessions or RespondDeactivateAccessKey
	Role      string `json:"role,omitempty"` // role name
	User      string `json:"user,omitempty"` // user name
	AccessKey string `json:"access_key,omitempty"`
	HuntID    string `json:"hunt_id"`
	FindingID string `json:"finding_id"`
	Reason    string `json:"reason"`
	// IntendedAt is when it was decided; for a role it is also the
	// aws:TokenIssueTime before which sessions are denied. DoneAt is when
	// IAM accepted it (zero while only intended).
	IntendedAt time.Time `json:"intended_at"`
	DoneAt     time.Time `json:"done_at,omitzero"`
}

// responses returns s.Responses, creating it.
func (s *State) responses() *ResponseState {
	if s.Responses == nil {
		s.Responses = &ResponseState{}
	}
	return s.Responses
}

// block returns the record of address in set, or nil.
func (rs *ResponseState) block(set, address string) *BlockRecord {
	if rs == nil {
		return nil
	}
	for _, b := range rs.Blocks {
		if b.IPSet == set && b.Address == address {
			return b
		}
	}
	return nil
}

// action returns the record of the same action for the same finding, or nil.
func (rs *ResponseState) action(a *ActionRecord) *ActionRecord {
	if rs == nil {
		return nil
	}
	for _, b := range rs.Actions {
		if b.Kind == a.Kind && b.Role == a.Role && b.User == a.User && b.AccessKey == a.AccessKey && b.FindingID == a.FindingID {
			return b
		}
	}
	return nil
}
