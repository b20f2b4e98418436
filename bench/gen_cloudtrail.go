package bench

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Principal classes: who calls an API. Each event says how likely each
// class is to call it.
const (
	clsApp     = iota // workload roles: EC2 instance profiles, Lambda, ECS tasks
	clsHuman          // people: SSO roles, IAM users on the CLI or console
	clsCI             // automation: long-term keys, CI roles
	clsService        // AWS services (AWSService, service-linked roles)
	nClasses
)

// principal is a caller with its userIdentity object pre-rendered. A
// session's creationDate depends on the object's delivery time, so the
// object is split around it: identA, creationDate, identB.
type principal struct {
	typ     string // userIdentity.type
	arn     string
	name    string // userName for IAM users, role name for roles
	identA  []byte // userIdentity JSON; up to the creationDate value when identB != nil
	identB  []byte
	age     int64    // session age at the start of the delivery window, seconds
	ips     []string // sourceIPAddress values
	uas     []string // userAgent values
	vpce    string   // VPC endpoint used with private IPs, "" for none
	privIP  string   // private source address when calling through vpce
	svc     string   // AWSService / invokedBy: the service name is IP and agent
	console bool     // sessionCredentialFromConsole
	secrets []int    // secrets an app principal reads (indexes into account.secrets)
	weight  int
}

// account is one AWS account's IAM world and resources.
type account struct {
	id          string
	alias       string
	cls         [nClasses][]*principal
	cum         [nClasses][]int
	people      []*principal // console sessions of IAM users who sign in (MFA on)
	logins      []*principal // their sign-in identities, parallel to people
	instRoles   []*principal // EC2 instance-profile sessions (SSM agent callers)
	users       []string     // IAM user names
	roles       []string     // IAM role names
	lambdaRoles []string     // execution role of appNames[i]'s handler
	buckets     []string
	secrets     []string // secret names with their 6-char suffix
	keys        []string // KMS key IDs
	insts       []string // instance IDs
	sgs         []string
	vpcs        []string
	subnets     []string
	amis        []string
	nacls       []string
	fns         []string // Lambda function names
	groups      []string // log groups
	params      []string // SSM parameter names
	tables      []string // DynamoDB tables
	mfaARN      map[string]string
}

var (
	aliases   = []string{"acme", "globex", "initech", "umbrella", "hooli", "vandelay", "wayne", "stark", "tyrell", "wonka"}
	envs      = []string{"prod", "staging", "shared", "data", "sandbox"}
	people    = []string{"alice.nguyen", "bob.schmidt", "carol.okafor", "dave.kim", "erin.lopez", "frank.moreau", "grace.hopper", "hiro.tanaka"}
	ciUsers   = []string{"ci-deploy", "terraform-runner", "backup-agent", "datadog-integration"}
	appNames  = []string{"orders", "payments", "catalog", "search", "auth", "notifications", "reporting", "ingest", "billing", "inventory"}
	browserUA = []string{
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
	}
	cliUA = []string{
		"aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#",
		"aws-cli/2.19.1 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#",
		"Boto3/1.35.76 md/Botocore#1.35.76 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.13.0 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.76",
	}
	appUA = []string{
		"aws-sdk-go-v2/1.32.6 ua/2.1 os/linux lang/go#1.23.4 md/GOOS#linux md/GOARCH#amd64 api/SVC#1.71.0 m/E,Z,g",
		"Boto3/1.35.76 md/Botocore#1.35.76 ua/2.0 os/linux#5.10.228-219.884.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.76",
		"aws-sdk-java/2.29.29 Linux/5.10.228-219.884.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.13+11-LTS Java/17.0.13 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/standard",
		"aws-sdk-nodejs/2.1692.0 linux/v20.18.1 exec-env/AWS_Lambda_nodejs20.x promise",
	}
	ssmAgentUA = "aws-sdk-go/1.55.5 (go1.22.9; linux; amd64) amazon-ssm-agent/3.3.1142.0"
	ciUA       = []string{
		"APN/1.0 HashiCorp/1.0 Terraform/1.10.2 (+https://www.terraform.io) terraform-provider-aws/5.81.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.6 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/SVC#1.198.0",
		"aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#",
		"datadog-aws-integration/1.0 Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.11.9",
	}
	services = []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "cloudtrail.amazonaws.com", "config.amazonaws.com", "ssm.amazonaws.com", "elasticloadbalancing.amazonaws.com", "logs.amazonaws.com", "s3.amazonaws.com", "secretsmanager.amazonaws.com"}
)

func newAccount(r *rand.Rand, id string, home string, pubIP func() string) *account {
	a := &account{id: id, mfaARN: map[string]string{}}
	a.alias = aliases[r.IntN(len(aliases))] + "-" + envs[r.IntN(len(envs))]
	ids := func(prefix string, n, hexLen int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = string(appendRandChars([]byte(prefix), r, hexChars, hexLen))
		}
		return out
	}
	a.insts = ids("i-0", 48, 16)
	a.sgs = ids("sg-0", 12, 16)
	a.vpcs = ids("vpc-0", 2, 16)
	a.subnets = ids("subnet-0", 6, 16)
	a.amis = ids("ami-0", 5, 16)
	a.nacls = ids("acl-0", 3, 16)
	for range 5 {
		a.keys = append(a.keys, string(appendUUID(nil, r)))
	}
	for _, p := range []string{"assets", "data-lake-raw", "data-lake-curated", "backups", "logs", "terraform-state", "ml-datasets", "web-static", "athena-results", "exports"} {
		a.buckets = append(a.buckets, a.alias+"-"+p+"-"+id[8:])
	}
	for _, app := range appNames {
		a.fns = append(a.fns, app+"-handler", app+"-worker")
		a.tables = append(a.tables, app)
		a.groups = append(a.groups, "/aws/lambda/"+app+"-handler", "/ecs/"+app)
		a.params = append(a.params, "/prod/"+app+"/config", "/prod/"+app+"/feature-flags")
		for _, s := range []string{"/db-password", "/api-key"} {
			a.secrets = append(a.secrets, string(appendRandChars([]byte("prod/"+app+s+"-"), r, alnumChars, 6)))
		}
	}

	add := func(cls int, p *principal) *principal {
		if p.weight == 0 {
			p.weight = 1
		}
		a.cls[cls] = append(a.cls[cls], p)
		return p
	}
	// People: a CLI user, the same user's console session, and an SSO role session.
	for _, name := range people[:5+r.IntN(4)] {
		ips := []string{pubIP(), pubIP()}
		u := iamUser(r, id, name, false)
		u.ips, u.uas, u.weight = ips, cliUA, 3
		add(clsHuman, u)
		a.users = append(a.users, name)
		a.mfaARN[name] = "arn:aws:iam::" + id + ":mfa/" + name
		c := iamUser(r, id, name, true)
		c.ips, c.uas, c.weight, c.console, c.age = ips, []string{"AWS Internal"}, 2, true, 600+r.Int64N(7200)
		add(clsHuman, c)
		a.people = append(a.people, c)
		a.logins = append(a.logins, signinIdentity(r, id, name, c.ips))
		role := "AWSReservedSSO_" + []string{"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"}[r.IntN(3)] + "_" + string(appendRandChars(nil, r, hexChars, 16))
		s := assumedRole(r, id, "aws-reserved/sso.amazonaws.com/"+home+"/", role, name+"@"+a.alias+".com", "false", "")
		s.ips, s.uas, s.weight, s.age = ips, append(cliUA[:len(cliUA):len(cliUA)], "AWS Internal"), 4, r.Int64N(28800)
		add(clsHuman, s)
	}
	for _, name := range ciUsers {
		u := iamUser(r, id, name, false)
		u.ips, u.uas, u.weight = []string{pubIP(), pubIP(), pubIP()}, ciUA, 3
		add(clsCI, u)
		a.users = append(a.users, name)
	}
	gh := assumedRole(r, id, "", "github-actions-deploy", "GitHubActions", "false", "")
	gh.ips, gh.uas, gh.weight, gh.age = []string{pubIP(), pubIP(), pubIP(), pubIP()}, ciUA, 4, r.Int64N(3000)
	add(clsCI, gh)
	a.roles = append(a.roles, "github-actions-deploy")

	// Workloads.
	nat := []string{pubIP(), pubIP()}
	vpce := string(appendRandChars([]byte("vpce-0"), r, hexChars, 16))
	for i, app := range appNames {
		role := app + "-ec2-role"
		a.roles = append(a.roles, role)
		for k := range 2 {
			inst := a.insts[(2*i+k)%len(a.insts)]
			p := assumedRole(r, id, "", role, inst, "false", "2.0")
			// An instance sits in one AZ and leaves through that AZ's NAT
			// gateway: one public address, as real instance credentials
			// show (two would be the stolen-credentials pattern).
			p.ips, p.uas, p.weight, p.age = nat[k:k+1], appUA, 6, r.Int64N(21600)
			p.vpce, p.privIP = vpce, "10."+strconv.Itoa(i)+"."+strconv.Itoa(k+1)+"."+strconv.Itoa(10+r.IntN(200))
			p.secrets = []int{2 * i, 2*i + 1}
			add(clsApp, p)
			a.instRoles = append(a.instRoles, p)
		}
		lrole := app + "-handler-role-" + string(appendRandChars(nil, r, lowerChars, 8))
		a.roles = append(a.roles, lrole)
		a.lambdaRoles = append(a.lambdaRoles, lrole)
		p := assumedRole(r, id, "service-role/", lrole, app+"-handler", "false", "")
		p.ips, p.uas, p.weight, p.age = []string{pubIP(), pubIP(), pubIP()}, appUA, 8, r.Int64N(3600)
		p.secrets = []int{2 * i}
		add(clsApp, p)
		if i < 4 {
			trole := "ecs-task-" + app
			a.roles = append(a.roles, trole)
			p := assumedRole(r, id, "", trole, string(appendRandChars(nil, r, hexChars, 32)), "false", "")
			p.ips, p.uas, p.weight, p.age = nat, appUA, 5, r.Int64N(21600)
			p.secrets = []int{2*i + 1}
			add(clsApp, p)
		}
	}

	// Services.
	for i, svc := range services {
		p := &principal{typ: "AWSService", svc: svc, weight: 10 - i/2}
		p.identA = []byte(`{"type":"AWSService","invokedBy":"` + svc + `"}`)
		add(clsService, p)
	}
	for _, sl := range [][2]string{{"AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com"}, {"AWSServiceRoleForConfig", "config.amazonaws.com"}} {
		p := assumedRole(r, id, "aws-service-role/"+sl[1]+"/", sl[0], strings.TrimPrefix(sl[0], "AWSServiceRoleFor"), "false", "")
		p.svc, p.weight, p.age = sl[1], 6, r.Int64N(3600)
		p.identA = append(p.identA[:0:0], p.identA...)
		// invokedBy sits after the session context: identB ends with "}}}".
		p.identB = append(p.identB[:len(p.identB)-1:len(p.identB)-1], `,"invokedBy":"`+sl[1]+`"}`...)
		add(clsService, p)
	}
	for c := range a.cls {
		sum := 0
		for _, p := range a.cls[c] {
			sum += p.weight
			a.cum[c] = append(a.cum[c], sum)
		}
	}
	return a
}

func iamUser(r *rand.Rand, acct, name string, console bool) *principal {
	arn := "arn:aws:iam::" + acct + ":user/" + name
	b := []byte(`{"type":"IAMUser","principalId":"AIDA`)
	b = appendRandChars(b, r, upnumChars, 17)
	b = append(b, `","arn":"`+arn+`","accountId":"`+acct+`","accessKeyId":"`...)
	p := &principal{typ: "IAMUser", arn: arn, name: name}
	if !console {
		b = appendRandChars(append(b, "AKIA"...), r, upperChars, 16)
		p.identA = append(b, `","userName":"`+name+`"}`...)
		return p
	}
	b = appendRandChars(append(b, "ASIA"...), r, upperChars, 16)
	p.identA = append(b, `","userName":"`+name+`","sessionContext":{"sessionIssuer":{},"webIdFederationData":{},"attributes":{"creationDate":"`...)
	p.identB = []byte(`","mfaAuthenticated":"true"}}}`)
	return p
}

// signinIdentity is the userIdentity of an IAM user's ConsoleLogin: no
// access key, no session.
func signinIdentity(r *rand.Rand, acct, name string, ips []string) *principal {
	arn := "arn:aws:iam::" + acct + ":user/" + name
	b := []byte(`{"type":"IAMUser","principalId":"AIDA`)
	b = appendRandChars(b, r, upnumChars, 17)
	b = append(b, `","arn":"`+arn+`","accountId":"`+acct+`","accessKeyId":"","userName":"`+name+`"}`...)
	return &principal{typ: "IAMUser", arn: arn, name: name, identA: b, ips: ips, uas: browserUA}
}

// assumedRole builds a role session; path is the role path ("" or
// "service-role/"), ec2 the ec2RoleDelivery value or "".
func assumedRole(r *rand.Rand, acct, path, role, session, mfa, ec2 string) *principal {
	roleID := string(appendRandChars([]byte("AROA"), r, upnumChars, 17))
	arn := "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session
	b := []byte(`{"type":"AssumedRole","principalId":"` + roleID + ":" + session + `","arn":"` + arn + `","accountId":"` + acct + `","accessKeyId":"`)
	b = appendRandChars(append(b, "ASIA"...), r, upperChars, 16)
	b = append(b, `","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"`+roleID+`","arn":"arn:aws:iam::`+acct+`:role/`+path+role+`","accountId":"`+acct+`","userName":"`+role+`"},"webIdFederationData":{},"attributes":{"creationDate":"`...)
	tail := `","mfaAuthenticated":"` + mfa + `"}`
	if ec2 != "" {
		tail += `,"ec2RoleDelivery":"` + ec2 + `"`
	}
	return &principal{typ: "AssumedRole", arn: arn, name: session, identA: b, identB: []byte(tail + "}}")}
}

// ctEvent is one API in the background mix.
type ctEvent struct {
	source, name string
	weight       int
	who          [nClasses]int // relative weight of each principal class
	readOnly     bool
	global       bool                         // IAM, sign-in: recorded in the home region only
	data         bool                         // data event (S3 objects)
	typ          string                       // eventType; "" is AwsApiCall
	noFail       bool                         // never fails in the background
	caller       func(c *ctWriter) *principal // picks the caller instead of who
	ua           string                       // userAgent of every call, when not ""
	params       func(c *ctWriter)            // appends the requestParameters value; nil writes null
	resp         func(c *ctWriter)            // appends the responseElements value; nil writes null
	extra        func(c *ctWriter)            // appends `,"additionalEventData":…`; may be nil
	// rare: a change real accounts make a handful of times a day (users,
	// network ACLs, commands on instances, code deploys), not a steady
	// share of all calls; picked only once in rareDivisor draws.
	rare bool
}

// rareDivisor thins rare events: weight 1 (about 0.1% of records) becomes
// about 0.002%, a few a day in a 100k-record account day.
const rareDivisor = 50

// ctWriter builds CloudTrail objects. It is owned by one worker.
type ctWriter struct {
	w      *world
	r      *rand.Rand
	pcg    *rand.PCG // r's source, reseeded per object
	a      *account
	region string
	home   bool
	objT   int64  // delivery time of the object
	b      []byte // the {"Records":[…]} document
	res    []byte // the resources array of the current record, without brackets
	count  int    // records written to b
	p      *principal
	t      int64
	ip     string // sourceIPAddress of the next record when not ""

	oldest, newest int64 // eventTime range of the object

	// Scratch values params functions leave for resp, extra and resources.
	s1, s2, s3 string
	n1         int
}

// object builds j's document and returns it with its record count. The
// slice is valid until the next call.
func (c *ctWriter) object(j *job, attacks []Attack) ([]byte, int) {
	c.start(j)
	est := j.target/1800 + 1
	if j.count > 0 {
		est = j.count
	}
	pi := 0
	for {
		if pi < len(j.plants) && c.count >= est*(pi+1)/(len(j.plants)+1) {
			c.plant(&j.plants[pi], &attacks[j.plants[pi].attack])
			pi++
			continue
		}
		if pi == len(j.plants) && (j.count > 0 && c.count >= j.count || j.count == 0 && len(c.b)+2 >= j.target) {
			break
		}
		c.background()
	}
	c.b = append(c.b, "]}"...)
	return c.b, c.count
}

func (c *ctWriter) start(j *job) {
	if c.r == nil {
		c.pcg = rand.NewPCG(0, 0)
		c.r = rand.New(c.pcg)
	}
	c.pcg.Seed(j.seed, 0xc7)
	c.a = c.w.accounts[j.acct]
	c.region = c.w.regionNames[j.region]
	c.home = j.region == 0
	c.objT = j.t
	c.b = append(c.b[:0], `{"Records":[`...)
	c.count = 0
	c.oldest, c.newest = j.t, 0
}

func (c *ctWriter) background() {
	cum := c.w.evCumRegional
	if c.home {
		cum = c.w.evCumHome
	}
	i := pickWeighted(c.r, cum)
	for ctEvents[i].rare && c.r.IntN(rareDivisor) != 0 {
		i = pickWeighted(c.r, cum)
	}
	ev := &ctEvents[i]
	t := c.objT - deliveryWindow + c.r.Int64N(deliveryWindow-20)
	if ev.typ == "AwsConsoleSignIn" {
		// Background sign-ins: people, with MFA, from their usual addresses.
		k := c.r.IntN(len(c.a.logins))
		c.consoleLogin(c.a.logins[k], t, c.a.people[k].ips[c.r.IntN(2)], true, true)
		return
	}
	var p *principal
	if ev.caller != nil {
		p = ev.caller(c)
	} else {
		cls := pickWeighted(c.r, c.w.whoCum[i])
		p = c.a.cls[cls][pickWeighted(c.r, c.a.cum[cls])]
	}
	fail := 0
	if p.svc == "" && !ev.noFail {
		switch x := c.r.IntN(1000); {
		case x < 16:
			fail = failDenied
		case x < 30:
			fail = failOther
		}
	}
	c.emit(ev, p, t, fail)
}

const (
	failNone   = iota
	failDenied // AccessDenied and kin
	failOther  // not found, throttling
	failLogin  // failed sign-in: errorMessage only
)

// emit appends one record in the field order AWS delivers.
func (c *ctWriter) emit(ev *ctEvent, p *principal, t int64, fail int) {
	if c.count > 0 {
		c.b = append(c.b, ',')
	}
	c.count++
	c.oldest, c.newest = min(c.oldest, t), max(c.newest, t)
	c.p, c.t = p, t
	c.res = c.res[:0]
	r := c.r
	b := c.b
	b = append(b, `{"eventVersion":"`...)
	switch {
	case ev.data:
		b = append(b, "1.10"...)
	case p.typ == "AWSService":
		b = append(b, "1.08"...)
	default:
		b = append(b, "1.11"...)
	}
	b = append(b, `","userIdentity":`...)
	b = append(b, p.identA...)
	if p.identB != nil {
		b = appendTime(b, c.objT-deliveryWindow-p.age)
		b = append(b, p.identB...)
	}
	b = append(b, `,"eventTime":"`...)
	b = appendTime(b, t)
	b = append(b, `","eventSource":"`...)
	b = append(b, ev.source...)
	b = append(b, `","eventName":"`...)
	b = append(b, ev.name...)
	b = append(b, `","awsRegion":"`...)
	b = append(b, c.region...)
	b = append(b, `","sourceIPAddress":"`...)
	viaVPCE := false
	switch {
	case c.ip != "":
		b = append(b, c.ip...)
	case p.svc != "":
		b = append(b, p.svc...)
	case p.vpce != "" && r.IntN(5) < 2:
		b = append(b, p.privIP...)
		viaVPCE = true
	default:
		b = append(b, p.ips[r.IntN(len(p.ips))]...)
	}
	b = append(b, `","userAgent":"`...)
	if p.svc != "" {
		b = append(b, p.svc...)
	} else if ev.ua != "" {
		b = append(b, ev.ua...)
	} else {
		ua := p.uas[r.IntN(len(p.uas))]
		if strings.HasSuffix(ua, "#") { // CLI: the command
			b = append(b, ua...)
			b = append(b, svcPrefix(ev.source)...)
			b = append(b, '.')
			b = appendLowerName(b, ev.name)
		} else if i := strings.Index(ua, "api/SVC#"); i >= 0 {
			b = append(b, ua[:i+4]...)
			b = append(b, svcPrefix(ev.source)...)
			b = append(b, ua[i+7:]...)
		} else {
			b = append(b, ua...)
		}
	}
	b = append(b, '"')
	if fail != failNone {
		b = c.appendError(b, ev, fail)
	}
	b = append(b, `,"requestParameters":`...)
	c.b = b
	if ev.params != nil {
		ev.params(c)
	} else {
		c.b = append(c.b, "null"...)
	}
	c.b = append(c.b, `,"responseElements":`...)
	if ev.resp != nil && (fail == failNone || fail == failLogin) {
		ev.resp(c)
	} else {
		c.b = append(c.b, "null"...)
	}
	if ev.extra != nil {
		ev.extra(c)
	}
	b = c.b
	b = append(b, `,"requestID":"`...)
	if ev.data || ev.source == "s3.amazonaws.com" {
		b = appendRandChars(b, r, hexUpper, 16)
	} else {
		b = appendUUID(b, r)
	}
	b = append(b, `","eventID":"`...)
	b = appendUUID(b, r)
	b = append(b, `","readOnly":`...)
	b = strconv.AppendBool(b, ev.readOnly)
	if len(c.res) > 0 {
		b = append(b, `,"resources":[`...)
		b = append(b, c.res...)
		b = append(b, ']')
	}
	b = append(b, `,"eventType":"`...)
	if ev.typ != "" {
		b = append(b, ev.typ...)
	} else {
		b = append(b, "AwsApiCall"...)
	}
	b = append(b, `","managementEvent":`...)
	b = strconv.AppendBool(b, !ev.data)
	b = append(b, `,"recipientAccountId":"`...)
	b = append(b, c.a.id...)
	b = append(b, '"')
	if p.typ == "AWSService" && ev.name == "AssumeRole" {
		b = append(b, `,"sharedEventID":"`...)
		b = appendUUID(b, r)
		b = append(b, '"')
	}
	if viaVPCE {
		b = append(b, `,"vpcEndpointId":"`...)
		b = append(b, p.vpce...)
		b = append(b, `","vpcEndpointAccountId":"`...)
		b = append(b, c.a.id...)
		b = append(b, '"')
	}
	b = append(b, `,"eventCategory":"`...)
	if ev.data {
		b = append(b, "Data"...)
	} else {
		b = append(b, "Management"...)
	}
	b = append(b, '"')
	if p.svc == "" {
		b = append(b, `,"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"`...)
		b = appendHost(b, ev, c.region)
		b = append(b, '"')
		if r.IntN(3) == 0 {
			b = append(b, `,"keyExchange":"x25519"`...)
		}
		b = append(b, '}')
	}
	if p.console {
		b = append(b, `,"sessionCredentialFromConsole":"true"`...)
	}
	c.b = append(b, '}')
}

func svcPrefix(source string) string {
	s, _, _ := strings.Cut(source, ".")
	if s == "monitoring" {
		return "cloudwatch"
	}
	return s
}

// appendLowerName appends an API name as the CLI spells it: list-buckets.
func appendLowerName(b []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if ch >= '0' && ch <= '9' {
			break // Lambda's versioned names
		}
		if ch >= 'A' && ch <= 'Z' {
			if i > 0 {
				b = append(b, '-')
			}
			ch += 'a' - 'A'
		}
		b = append(b, ch)
	}
	return b
}

func appendHost(b []byte, ev *ctEvent, region string) []byte {
	switch ev.source {
	case "iam.amazonaws.com":
		return append(b, "iam.amazonaws.com"...)
	case "signin.amazonaws.com":
		return append(b, "signin.aws.amazon.com"...)
	case "s3.amazonaws.com":
		if ev.data {
			return append(b, "s3.amazonaws.com"...)
		}
	}
	b = append(b, svcPrefix(ev.source)...)
	if ev.source == "monitoring.amazonaws.com" {
		b = b[:len(b)-len("cloudwatch")]
		b = append(b, "monitoring"...)
	}
	b = append(b, '.')
	b = append(b, region...)
	return append(b, ".amazonaws.com"...)
}

// appendError appends errorCode and errorMessage for a failed call.
func (c *ctWriter) appendError(b []byte, ev *ctEvent, fail int) []byte {
	svc := svcPrefix(ev.source)
	if fail == failLogin {
		return append(b, `,"errorMessage":"Failed authentication"`...)
	}
	if fail == failOther {
		code, msg := "ThrottlingException", "Rate exceeded"
		switch svc {
		case "iam":
			code, msg = "NoSuchEntityException", "The role with name "+c.a.roles[c.r.IntN(len(c.a.roles))]+" cannot be found."
		case "ec2":
			code, msg = "Client.InvalidInstanceID.NotFound", "The instance ID '"+c.a.insts[c.r.IntN(len(c.a.insts))]+"' does not exist"
		case "secretsmanager":
			code, msg = "ResourceNotFoundException", "Secrets Manager can't find the specified secret."
		case "ssm":
			code, msg = "ParameterNotFound", ""
		case "s3":
			code, msg = "NoSuchKey", "The specified key does not exist."
		}
		b = append(b, `,"errorCode":"`...)
		b = append(b, code...)
		if msg == "" {
			return append(b, '"')
		}
		b = append(b, `","errorMessage":"`...)
		b = append(b, msg...)
		return append(b, '"')
	}
	b = append(b, `,"errorCode":"`...)
	b = append(b, denyCode(svc)...)
	b = append(b, `","errorMessage":"`...)
	if svc == "ec2" {
		b = append(b, "You are not authorized to perform this operation. "...)
	}
	b = append(b, "User: "...)
	b = append(b, c.p.arn...)
	b = append(b, " is not authorized to perform: "...)
	b = append(b, svc...)
	b = append(b, ':')
	b = append(b, ev.name...)
	b = append(b, " on resource: arn:aws:"...)
	b = append(b, svc...)
	b = append(b, ':')
	if svc != "iam" && svc != "s3" {
		b = append(b, c.region...)
	}
	b = append(b, ':')
	if svc != "s3" {
		b = append(b, c.a.id...)
	}
	b = append(b, ":*"...)
	b = append(b, " because no identity-based policy allows the "...)
	b = append(b, svc...)
	b = append(b, ':')
	b = append(b, ev.name...)
	b = append(b, " action"...)
	if svc == "ec2" {
		b = append(b, ". Encoded authorization failure message: "...)
		b = appendRandChars(b, c.r, alnumChars+"-_", 380+c.r.IntN(200))
	}
	return append(b, '"')
}

func denyCode(svc string) string {
	switch svc {
	case "ec2":
		return "Client.UnauthorizedOperation"
	case "iam", "sts", "s3":
		return "AccessDenied"
	}
	return "AccessDeniedException"
}

// Small helpers for params functions.

func (c *ctWriter) lit(s string)          { c.b = append(c.b, s...) }
func (c *ctWriter) str(s string)          { c.b = append(c.b, s...) }
func (c *ctWriter) num(n int)             { c.b = strconv.AppendInt(c.b, int64(n), 10) }
func (c *ctWriter) uuid()                 { c.b = appendUUID(c.b, c.r) }
func (c *ctWriter) rnd(set string, n int) { c.b = appendRandChars(c.b, c.r, set, n) }
func (c *ctWriter) time(t int64)          { c.b = appendTime(c.b, t) }
func (c *ctWriter) pick(s []string) string {
	return s[c.r.IntN(len(s))]
}

// resource appends one entry to the current record's resources array.
func (c *ctWriter) resource(typ, arn string, withAccount bool) {
	if len(c.res) > 0 {
		c.res = append(c.res, ',')
	}
	c.res = append(c.res, '{')
	if withAccount {
		c.res = append(c.res, `"accountId":"`...)
		c.res = append(c.res, c.a.id...)
		c.res = append(c.res, `",`...)
	}
	c.res = append(c.res, `"type":"`...)
	c.res = append(c.res, typ...)
	c.res = append(c.res, `","ARN":"`...)
	c.res = append(c.res, arn...)
	c.res = append(c.res, `"}`...)
}

func (c *ctWriter) arn(svc, rest string) string {
	return "arn:aws:" + svc + ":" + c.region + ":" + c.a.id + ":" + rest
}

// objectKey appends a plausible S3 object key.
func (c *ctWriter) s3Key() string {
	b := make([]byte, 0, 96)
	switch c.r.IntN(4) {
	case 0:
		b = append(b, "data/"...)
		b = time.Unix(c.t, 0).UTC().AppendFormat(b, "2006/01/02/15/")
		b = append(b, "part-0"...)
		b = strconv.AppendInt(b, int64(c.r.IntN(10000)), 10)
		b = append(b, '-')
		b = appendUUID(b, c.r)
		b = append(b, ".snappy.parquet"...)
	case 1:
		b = append(b, "uploads/"...)
		b = appendUUID(b, c.r)
		b = append(b, ".jpg"...)
	case 2:
		b = append(b, "exports/"...)
		b = append(b, appNames[c.r.IntN(len(appNames))]...)
		b = append(b, "/report-"...)
		b = strconv.AppendInt(b, int64(c.r.IntN(100000)), 10)
		b = append(b, ".csv.gz"...)
	default:
		b = append(b, "logs/app/"...)
		b = appendRandChars(b, c.r, hexChars, 24)
		b = append(b, ".json.gz"...)
	}
	return string(b)
}

func s3Params(c *ctWriter, withKey bool) {
	bucket := c.pick(c.a.buckets)
	c.lit(`{"bucketName":"`)
	c.str(bucket)
	c.lit(`","Host":"`)
	c.str(bucket)
	c.lit(`.s3.`)
	c.str(c.region)
	c.lit(`.amazonaws.com"`)
	if withKey {
		key := c.s3Key()
		c.lit(`,"key":"`)
		c.str(key)
		c.lit(`"`)
		c.resource("AWS::S3::Object", "arn:aws:s3:::"+bucket+"/"+key, false)
	}
	c.lit(`}`)
	c.resource("AWS::S3::Bucket", "arn:aws:s3:::"+bucket, true)
}

func s3Extra(c *ctWriter, in, out int) {
	c.lit(`,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":`)
	c.num(in)
	c.lit(`,"SSEApplied":"Default_SSE_S3","AuthenticationMethod":"AuthHeader","x-amz-id-2":"`)
	c.rnd(b64Chars, 76)
	c.lit(`","bytesTransferredOut":`)
	c.num(out)
	c.lit(`}`)
}

func kmsParams(c *ctWriter, withSpec bool) {
	key := c.pick(c.a.keys)
	arn := c.arn("kms", "key/"+key)
	c.lit(`{"encryptionContext":{"aws:`)
	switch c.r.IntN(3) {
	case 0:
		c.lit(`s3:arn":"arn:aws:s3:::`)
		c.str(c.pick(c.a.buckets))
	case 1:
		c.lit(`lambda:FunctionArn":"`)
		c.str(c.arn("lambda", "function:"+c.pick(c.a.fns)))
	default:
		c.lit(`secretsmanager:arn":"`)
		c.str(c.arn("secretsmanager", "secret:"+c.pick(c.a.secrets)))
	}
	c.lit(`"},"keyId":"`)
	c.str(arn)
	if withSpec {
		c.lit(`","keySpec":"AES_256`)
	}
	c.lit(`","encryptionAlgorithm":"SYMMETRIC_DEFAULT"}`)
	c.resource("AWS::KMS::Key", arn, true)
}

func describeInstancesParams(c *ctWriter) {
	c.lit(`{"instancesSet":{"items":[`)
	n := 1 + c.r.IntN(3)
	for i := range n {
		if i > 0 {
			c.lit(`,`)
		}
		c.lit(`{"instanceId":"`)
		c.str(c.pick(c.a.insts))
		c.lit(`"}`)
	}
	c.lit(`]},"filterSet":{},"includeAllResources":false}`)
}

// runInstancesResp writes a RunInstances response for c.n1 instances: about
// 2.3 KB each, the long tail of record sizes.
func runInstancesResp(c *ctWriter) {
	c.lit(`{"requestId":"`)
	c.uuid()
	c.lit(`","reservationId":"r-0`)
	c.rnd(hexChars, 16)
	c.lit(`","ownerId":"`)
	c.str(c.a.id)
	c.lit(`","groupSet":{},"instancesSet":{"items":[`)
	subnet, vpc, sg, ami := c.s2, c.a.vpcs[0], c.pick(c.a.sgs), c.s1
	for i := range c.n1 {
		if i > 0 {
			c.lit(`,`)
		}
		ip := "10.0." + strconv.Itoa(c.r.IntN(256)) + "." + strconv.Itoa(c.r.IntN(256))
		dns := "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + c.region + ".compute.internal"
		mac := string(appendRandChars(nil, c.r, hexChars, 12))
		c.lit(`{"instanceId":"i-0`)
		c.rnd(hexChars, 16)
		c.lit(`","imageId":"`)
		c.str(ami)
		c.lit(`","currentInstanceBootMode":"uefi","instanceState":{"code":0,"name":"pending"},"privateDnsName":"`)
		c.str(dns)
		c.lit(`","keyName":"`)
		c.str(c.a.alias)
		c.lit(`-ops","amiLaunchIndex":`)
		c.num(i)
		c.lit(`,"productCodes":{},"instanceType":"`)
		c.str(c.s3)
		c.lit(`","launchTime":`)
		c.b = strconv.AppendInt(c.b, c.t*1000, 10)
		c.lit(`,"placement":{"availabilityZone":"`)
		c.str(c.region)
		c.lit(`a","tenancy":"default"},"monitoring":{"state":"disabled"},"subnetId":"`)
		c.str(subnet)
		c.lit(`","vpcId":"`)
		c.str(vpc)
		c.lit(`","privateIpAddress":"`)
		c.str(ip)
		c.lit(`","stateReason":{"code":"pending","message":"pending"},"architecture":"x86_64","rootDeviceType":"ebs","rootDeviceName":"/dev/xvda","blockDeviceMapping":{},"virtualizationType":"hvm","tagSet":{"items":[{"key":"aws:autoscaling:groupName","value":"`)
		c.str(c.a.alias)
		c.lit(`-workers-asg"},{"key":"Name","value":"`)
		c.str(c.a.alias)
		c.lit(`-worker"},{"key":"team","value":"platform"}]},"clientToken":"`)
		c.uuid()
		c.lit(`","groupSet":{"items":[{"groupId":"`)
		c.str(sg)
		c.lit(`","groupName":"workers"}]},"sourceDestCheck":true,"hypervisor":"xen","networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-0`)
		c.rnd(hexChars, 16)
		c.lit(`","subnetId":"`)
		c.str(subnet)
		c.lit(`","vpcId":"`)
		c.str(vpc)
		c.lit(`","ownerId":"`)
		c.str(c.a.id)
		c.lit(`","status":"in-use","macAddress":"`)
		for k := 0; k < 12; k += 2 {
			if k > 0 {
				c.lit(`:`)
			}
			c.str(mac[k : k+2])
		}
		c.lit(`","privateIpAddress":"`)
		c.str(ip)
		c.lit(`","privateDnsName":"`)
		c.str(dns)
		c.lit(`","sourceDestCheck":true,"interfaceType":"interface","groupSet":{"items":[{"groupId":"`)
		c.str(sg)
		c.lit(`","groupName":"workers"}]},"attachment":{"attachmentId":"eni-attach-0`)
		c.rnd(hexChars, 16)
		c.lit(`","deviceIndex":0,"networkCardIndex":0,"status":"attaching","attachTime":`)
		c.b = strconv.AppendInt(c.b, c.t*1000, 10)
		c.lit(`,"deleteOnTermination":true},"privateIpAddressesSet":{"item":[{"privateIpAddress":"`)
		c.str(ip)
		c.lit(`","privateDnsName":"`)
		c.str(dns)
		c.lit(`","primary":true}]},"ipv6AddressesSet":{},"tagSet":{}}]},"ebsOptimized":false,"enaSupport":true,"cpuOptions":{"coreCount":2,"threadsPerCore":2},"capacityReservationSpecification":{"capacityReservationPreference":"open"},"hibernationOptions":{"configured":false},"enclaveOptions":{"enabled":false},"metadataOptions":{"state":"pending","httpTokens":"required","httpPutResponseHopLimit":2,"httpEndpoint":"enabled","httpProtocolIpv4":"enabled","httpProtocolIpv6":"disabled","instanceMetadataTags":"disabled"},"maintenanceOptions":{"autoRecovery":"default"},"privateDnsNameOptions":{"hostnameType":"ip-name","enableResourceNameDnsARecord":false,"enableResourceNameDnsAAAARecord":false}}`)
	}
	c.lit(`]},"requesterId":"`)
	c.rnd(digitsChars, 12)
	c.lit(`"}`)
}

// policyDoc appends a URL-encoded IAM policy document with n statements, as
// IAM requestParameters carry them.
func policyDoc(c *ctWriter, n int) {
	c.lit(`%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B`)
	for i := range n {
		if i > 0 {
			c.lit(`%2C`)
		}
		c.lit(`%7B%22Sid%22%3A%22Stmt`)
		c.num(i)
		c.lit(`%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22s3%3AGetObject%22%2C%22s3%3AListBucket%22%2C%22kms%3ADecrypt%22%5D%2C%22Resource%22%3A%5B%22arn%3Aaws%3As3%3A%3A%3A`)
		b := c.pick(c.a.buckets)
		c.str(b)
		c.lit(`%22%2C%22arn%3Aaws%3As3%3A%3A%3A`)
		c.str(b)
		c.lit(`%2F*%22%5D%7D`)
	}
	c.lit(`%5D%7D`)
}

func sessionToken(c *ctWriter) {
	c.lit(`{"credentials":{"accessKeyId":"ASIA`)
	c.rnd(upperChars, 16)
	c.lit(`","sessionToken":"IQoJb3JpZ2luX2VjE`)
	c.rnd(b64Chars, 560+c.r.IntN(400))
	c.lit(`","expiration":"`)
	c.str(time.Unix(c.t+3600, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
	c.lit(`"}`)
}

// ctEvents is the background mix: about 45 APIs with relative weights (per
// mille of records, roughly).
var ctEvents = []ctEvent{
	{source: "sts.amazonaws.com", name: "AssumeRole", weight: 60, who: [nClasses]int{15, 10, 15, 60},
		params: func(c *ctWriter) {
			// Services assume the roles they run: EC2 instance profiles
			// for instances, Lambda execution roles for functions.
			switch c.p.svc {
			case "ec2.amazonaws.com":
				i := c.r.IntN(len(appNames))
				c.s2, c.s3 = appNames[i]+"-ec2-role", c.a.insts[(2*i+c.r.IntN(2))%len(c.a.insts)]
			case "lambda.amazonaws.com":
				i := c.r.IntN(len(c.a.lambdaRoles))
				c.s2, c.s3 = c.a.lambdaRoles[i], appNames[i]+"-handler"
			default:
				c.s2 = c.pick(c.a.roles)
				c.s3 = c.p.name + "-" + string(appendRandChars(nil, c.r, digitsChars, 10))
				if c.p.svc != "" {
					c.s3 = string(appendRandChars(nil, c.r, hexChars, 32))
				}
			}
			c.s1 = "arn:aws:iam::" + c.a.id + ":role/" + c.s2
			c.lit(`{"roleArn":"`)
			c.str(c.s1)
			c.lit(`","roleSessionName":"`)
			c.str(c.s3)
			c.lit(`","durationSeconds":3600}`)
			c.resource("AWS::IAM::Role", c.s1, true)
		},
		resp: func(c *ctWriter) {
			sessionToken(c)
			c.lit(`,"assumedRoleUser":{"assumedRoleId":"AROA`)
			c.rnd(upnumChars, 17)
			c.lit(`:`)
			c.str(c.s3)
			c.lit(`","arn":"arn:aws:sts::`)
			c.str(c.a.id)
			c.lit(`:assumed-role/`)
			c.str(c.s2)
			c.lit(`/`)
			c.str(c.s3)
			c.lit(`"}}`)
		}},
	{source: "sts.amazonaws.com", name: "GetCallerIdentity", weight: 20, readOnly: true, who: [nClasses]int{30, 30, 40, 0}},
	{source: "s3.amazonaws.com", name: "GetObject", weight: 120, readOnly: true, data: true, who: [nClasses]int{75, 10, 10, 5},
		params: func(c *ctWriter) { s3Params(c, true) },
		extra:  func(c *ctWriter) { s3Extra(c, 0, 200+c.r.IntN(5<<20)) }},
	{source: "s3.amazonaws.com", name: "PutObject", weight: 55, data: true, who: [nClasses]int{75, 5, 15, 5},
		params: func(c *ctWriter) { s3Params(c, true) },
		resp: func(c *ctWriter) {
			c.lit(`{"x-amz-server-side-encryption":"AES256","x-amz-version-id":"`)
			c.rnd(alnumChars, 32)
			c.lit(`"}`)
		},
		extra: func(c *ctWriter) { s3Extra(c, 200+c.r.IntN(5<<20), 0) }},
	{source: "s3.amazonaws.com", name: "ListBuckets", weight: 8, readOnly: true, who: [nClasses]int{20, 40, 40, 0},
		params: func(c *ctWriter) { c.lit(`{"Host":"s3.` + c.region + `.amazonaws.com"}`) }},
	{source: "s3.amazonaws.com", name: "GetBucketLocation", weight: 15, readOnly: true, who: [nClasses]int{20, 10, 30, 40},
		params: func(c *ctWriter) { s3Params(c, false) }},
	{source: "s3.amazonaws.com", name: "GetBucketAcl", weight: 12, readOnly: true, who: [nClasses]int{0, 10, 30, 60},
		params: func(c *ctWriter) { s3Params(c, false) }},
	{source: "s3.amazonaws.com", name: "PutBucketPublicAccessBlock", weight: 1, who: [nClasses]int{0, 30, 70, 0},
		params: func(c *ctWriter) {
			bucket := c.pick(c.a.buckets)
			c.lit(`{"publicAccessBlock":"","bucketName":"`)
			c.str(bucket)
			c.lit(`","PublicAccessBlockConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","RestrictPublicBuckets":true,"BlockPublicPolicy":true,"BlockPublicAcls":true,"IgnorePublicAcls":true},"Host":"`)
			c.str(bucket)
			c.lit(`.s3.amazonaws.com"}`)
			c.resource("AWS::S3::Bucket", "arn:aws:s3:::"+bucket, true)
		}},
	{source: "ec2.amazonaws.com", name: "DescribeInstances", weight: 40, readOnly: true, who: [nClasses]int{30, 30, 30, 10},
		params: describeInstancesParams},
	{source: "ec2.amazonaws.com", name: "DescribeSecurityGroups", weight: 12, readOnly: true, who: [nClasses]int{10, 30, 50, 10},
		params: func(c *ctWriter) {
			c.lit(`{"securityGroupSet":{},"securityGroupIdSet":{"items":[{"groupId":"`)
			c.str(c.pick(c.a.sgs))
			c.lit(`"}]},"filterSet":{}}`)
		}},
	{source: "ec2.amazonaws.com", name: "DescribeVolumes", weight: 8, readOnly: true, who: [nClasses]int{20, 20, 30, 30},
		params: func(c *ctWriter) {
			c.lit(`{"volumeSet":{},"filterSet":{"items":[{"name":"attachment.instance-id","valueSet":{"items":[{"value":"`)
			c.str(c.pick(c.a.insts))
			c.lit(`"}]}}]}}`)
		}},
	{source: "ec2.amazonaws.com", name: "DescribeNetworkInterfaces", weight: 12, readOnly: true, who: [nClasses]int{30, 10, 20, 40},
		params: func(c *ctWriter) {
			c.lit(`{"networkInterfaceIdSet":{},"filterSet":{"items":[{"name":"vpc-id","valueSet":{"items":[{"value":"`)
			c.str(c.pick(c.a.vpcs))
			c.lit(`"}]}}]}}`)
		}},
	{source: "ec2.amazonaws.com", name: "RunInstances", weight: 4, who: [nClasses]int{0, 15, 35, 50},
		params: func(c *ctWriter) {
			switch x := c.r.IntN(100); {
			case x < 60:
				c.n1 = 1
			case x < 80:
				c.n1 = 2 + c.r.IntN(3)
			default:
				c.n1 = 8 + c.r.IntN(30)
			}
			c.s1, c.s2 = c.pick(c.a.amis), c.pick(c.a.subnets)
			c.s3 = []string{"m7i.large", "c7g.xlarge", "t3.medium", "r6i.2xlarge"}[c.r.IntN(4)]
			c.lit(`{"instancesSet":{"items":[{"imageId":"`)
			c.str(c.s1)
			c.lit(`","minCount":`)
			c.num(c.n1)
			c.lit(`,"maxCount":`)
			c.num(c.n1)
			c.lit(`}]},"instanceType":"`)
			c.str(c.s3)
			c.lit(`","blockDeviceMapping":{"items":[{"deviceName":"/dev/xvda","ebs":{"volumeSize":50,"deleteOnTermination":true,"volumeType":"gp3","encrypted":true}}]},"subnetId":"`)
			c.str(c.s2)
			c.lit(`","monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"`)
			c.uuid()
			c.lit(`","metadataOptions":{"httpTokens":"required","httpPutResponseHopLimit":2},"tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[{"key":"team","value":"platform"}]}]}}`)
		},
		resp: runInstancesResp},
	{source: "ec2.amazonaws.com", name: "TerminateInstances", weight: 3, who: [nClasses]int{0, 20, 30, 50},
		params: describeInstancesParams,
		resp: func(c *ctWriter) {
			c.lit(`{"requestId":"`)
			c.uuid()
			c.lit(`","instancesSet":{"items":[{"instanceId":"`)
			c.str(c.pick(c.a.insts))
			c.lit(`","currentState":{"code":32,"name":"shutting-down"},"previousState":{"code":16,"name":"running"}}]}}`)
		}},
	{source: "ec2.amazonaws.com", name: "CreateTags", weight: 6, who: [nClasses]int{10, 20, 40, 30},
		params: func(c *ctWriter) {
			c.lit(`{"resourcesSet":{"items":[{"resourceId":"`)
			c.str(c.pick(c.a.insts))
			c.lit(`"}]},"tagSet":{"items":[{"key":"owner","value":"`)
			c.str(c.pick(appNames))
			c.lit(`"},{"key":"cost-center","value":"cc-`)
			c.rnd(digitsChars, 4)
			c.lit(`"}]}}`)
		},
		resp: func(c *ctWriter) { c.lit(`{"requestId":"`); c.uuid(); c.lit(`","_return":true}`) }},
	{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", weight: 2, who: [nClasses]int{0, 40, 60, 0},
		params: func(c *ctWriter) {
			// Background openings: internal ranges on any port, or the
			// world on web ports only — never 0.0.0.0/0 over port 22.
			port := []int{443, 80, 5432, 6379, 8080, 22, 3306}[c.r.IntN(7)]
			cidr := "10." + strconv.Itoa(c.r.IntN(256)) + ".0.0/16"
			if port == 443 || port == 80 {
				if c.r.IntN(2) == 0 {
					cidr = "0.0.0.0/0"
				}
			}
			c.s1, c.s2, c.n1 = c.pick(c.a.sgs), cidr, port
			sgIngressParams(c)
		},
		resp: sgIngressResp},
	{source: "ec2.amazonaws.com", name: "CreateNetworkAclEntry", weight: 1, rare: true, who: [nClasses]int{0, 40, 60, 0},
		params: func(c *ctWriter) {
			c.lit(`{"networkAclId":"`)
			c.str(c.pick(c.a.nacls))
			c.lit(`","ruleNumber":`)
			c.num(100 + 10*c.r.IntN(20))
			c.lit(`,"egress":false,"ruleAction":"allow","icmpTypeCode":{},"portRange":{"from":443,"to":443},"aclProtocol":"6","cidrBlock":"10.`)
			c.num(c.r.IntN(256))
			c.lit(`.0.0/16"}`)
		},
		resp: func(c *ctWriter) { c.lit(`{"requestId":"`); c.uuid(); c.lit(`","_return":true}`) }},
	{source: "iam.amazonaws.com", name: "ListRoles", weight: 6, readOnly: true, global: true, who: [nClasses]int{5, 30, 45, 20},
		params: func(c *ctWriter) { c.lit(`{"maxItems":1000}`) }},
	{source: "iam.amazonaws.com", name: "GetRole", weight: 8, readOnly: true, global: true, who: [nClasses]int{5, 25, 50, 20},
		params: func(c *ctWriter) { c.lit(`{"roleName":"`); c.str(c.pick(c.a.roles)); c.lit(`"}`) }},
	{source: "iam.amazonaws.com", name: "ListUsers", weight: 2, readOnly: true, global: true, who: [nClasses]int{0, 40, 40, 20}},
	{source: "iam.amazonaws.com", name: "ListAttachedRolePolicies", weight: 5, readOnly: true, global: true, who: [nClasses]int{0, 20, 50, 30},
		params: func(c *ctWriter) { c.lit(`{"roleName":"`); c.str(c.pick(c.a.roles)); c.lit(`"}`) }},
	{source: "iam.amazonaws.com", name: "CreateUser", weight: 1, rare: true, global: true, who: [nClasses]int{0, 40, 60, 0},
		params: func(c *ctWriter) {
			c.s1 = "svc-" + c.pick(appNames) + "-" + string(appendRandChars(nil, c.r, lowerChars, 4))
			c.lit(`{"userName":"`)
			c.str(c.s1)
			c.lit(`","tags":[{"key":"managed-by","value":"terraform"}]}`)
		},
		resp: func(c *ctWriter) {
			c.lit(`{"user":{"path":"/","userName":"`)
			c.str(c.s1)
			c.lit(`","userId":"AIDA`)
			c.rnd(upnumChars, 17)
			c.lit(`","arn":"arn:aws:iam::`)
			c.str(c.a.id)
			c.lit(`:user/`)
			c.str(c.s1)
			c.lit(`","createDate":"`)
			c.str(time.Unix(c.t, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
			c.lit(`","tags":[{"key":"managed-by","value":"terraform"}]}}`)
		}},
	{source: "iam.amazonaws.com", name: "CreateAccessKey", weight: 1, global: true, who: [nClasses]int{0, 50, 50, 0},
		// Background key rotation: IAM users create their own keys.
		caller: func(c *ctWriter) *principal { return c.userPrincipal(c.pick(c.a.users)) },
		params: func(c *ctWriter) { c.s1 = c.p.name; accessKeyParams(c) },
		resp:   accessKeyResp},
	{source: "iam.amazonaws.com", name: "AttachUserPolicy", weight: 1, global: true, who: [nClasses]int{0, 40, 60, 0},
		params: func(c *ctWriter) {
			c.s1, c.s2 = c.pick(c.a.users), "arn:aws:iam::aws:policy/"+[]string{"ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "CloudWatchReadOnlyAccess", "AWSBillingReadOnlyAccess"}[c.r.IntN(4)]
			attachUserPolicyParams(c)
		}},
	{source: "iam.amazonaws.com", name: "AttachRolePolicy", weight: 1, global: true, who: [nClasses]int{0, 30, 70, 0},
		params: func(c *ctWriter) {
			c.lit(`{"roleName":"`)
			c.str(c.pick(c.a.roles))
			c.lit(`","policyArn":"arn:aws:iam::aws:policy/`)
			c.str([]string{"AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy", "AWSLambdaBasicExecutionRole", "AmazonEC2ContainerRegistryReadOnly"}[c.r.IntN(4)])
			c.lit(`"}`)
		}},
	{source: "iam.amazonaws.com", name: "PutRolePolicy", weight: 1, global: true, who: [nClasses]int{0, 30, 70, 0},
		params: func(c *ctWriter) {
			c.lit(`{"roleName":"`)
			c.str(c.pick(c.a.roles))
			c.lit(`","policyName":"inline-`)
			c.str(c.pick(appNames))
			c.lit(`","policyDocument":"`)
			policyDoc(c, 1+c.r.IntN(12))
			c.lit(`"}`)
		}},
	{source: "kms.amazonaws.com", name: "Decrypt", weight: 110, readOnly: true, who: [nClasses]int{55, 5, 5, 35},
		params: func(c *ctWriter) { kmsParams(c, false) }},
	{source: "kms.amazonaws.com", name: "GenerateDataKey", weight: 45, readOnly: true, who: [nClasses]int{55, 0, 5, 40},
		params: func(c *ctWriter) { kmsParams(c, true) }},
	{source: "kms.amazonaws.com", name: "Encrypt", weight: 8, readOnly: true, who: [nClasses]int{70, 0, 10, 20},
		params: func(c *ctWriter) { kmsParams(c, false) }},
	{source: "signin.amazonaws.com", name: "ConsoleLogin", weight: 3, global: true, typ: "AwsConsoleSignIn", noFail: true, who: [nClasses]int{0, 1, 0, 0}},
	{source: "cloudtrail.amazonaws.com", name: "DescribeTrails", weight: 3, readOnly: true, who: [nClasses]int{0, 20, 50, 30},
		params: func(c *ctWriter) { c.lit(`{"includeShadowTrails":true}`) }},
	{source: "cloudtrail.amazonaws.com", name: "GetTrailStatus", weight: 3, readOnly: true, who: [nClasses]int{0, 20, 50, 30},
		params: func(c *ctWriter) {
			c.lit(`{"name":"`)
			c.str(c.arn("cloudtrail", "trail/"+digestTrailName))
			c.lit(`"}`)
		}},
	{source: "cloudtrail.amazonaws.com", name: "LookupEvents", weight: 4, readOnly: true, who: [nClasses]int{0, 60, 40, 0},
		params: func(c *ctWriter) {
			c.lit(`{"startTime":"`)
			c.time(c.t - 86400)
			c.lit(`","endTime":"`)
			c.time(c.t)
			c.lit(`","maxResults":50,"lookupAttributes":[{"attributeKey":"EventName","attributeValue":"ConsoleLogin"}]}`)
		}},
	{source: "guardduty.amazonaws.com", name: "ListDetectors", weight: 3, readOnly: true, who: [nClasses]int{0, 20, 60, 20}},
	{source: "guardduty.amazonaws.com", name: "ListFindings", weight: 3, readOnly: true, who: [nClasses]int{0, 20, 80, 0},
		params: func(c *ctWriter) {
			c.lit(`{"detectorId":"`)
			c.rnd(hexChars, 32)
			c.lit(`","findingCriteria":{"criterion":{"updatedAt":{"gte":`)
			c.b = strconv.AppendInt(c.b, (c.t-3600)*1000, 10)
			c.lit(`}}},"maxResults":50}`)
		}},
	{source: "guardduty.amazonaws.com", name: "GetFindings", weight: 3, readOnly: true, who: [nClasses]int{0, 20, 80, 0},
		params: func(c *ctWriter) {
			c.lit(`{"detectorId":"`)
			c.rnd(hexChars, 32)
			c.lit(`","findingIds":[`)
			for i := range 1 + c.r.IntN(20) {
				if i > 0 {
					c.lit(`,`)
				}
				c.lit(`"`)
				c.rnd(hexChars, 32)
				c.lit(`"`)
			}
			c.lit(`]}`)
		}},
	{source: "secretsmanager.amazonaws.com", name: "GetSecretValue", weight: 18, readOnly: true, who: [nClasses]int{1, 0, 0, 0},
		params: func(c *ctWriter) {
			s := c.pick(c.a.secrets)
			if len(c.p.secrets) > 0 {
				s = c.a.secrets[c.p.secrets[c.r.IntN(len(c.p.secrets))]]
			}
			secretParams(c, s)
		}},
	{source: "secretsmanager.amazonaws.com", name: "DescribeSecret", weight: 4, readOnly: true, who: [nClasses]int{20, 30, 50, 0},
		params: func(c *ctWriter) { secretParams(c, c.pick(c.a.secrets)) }},
	{source: "ssm.amazonaws.com", name: "UpdateInstanceInformation", weight: 35, who: [nClasses]int{1, 0, 0, 0},
		caller: func(c *ctWriter) *principal { return c.a.instRoles[c.r.IntN(len(c.a.instRoles))] }, ua: ssmAgentUA,
		params: func(c *ctWriter) {
			c.lit(`{"instanceId":"`)
			c.str(c.p.name)
			c.lit(`","agentVersion":"3.3.1142.0","agentStatus":"Active","platformType":"Linux","platformName":"Amazon Linux","platformVersion":"2023","iPAddress":"`)
			c.str(c.p.privIP)
			c.lit(`","computerName":"ip-`)
			c.str(strings.ReplaceAll(c.p.privIP, ".", "-"))
			c.lit(`.`)
			c.str(c.region)
			c.lit(`.compute.internal","agentName":"amazon-ssm-agent","availabilityZone":"`)
			c.str(c.region)
			c.lit(`b","availabilityZoneId":"use1-az2","ssmConnectionChannel":"ssmmessages"}`)
		}},
	{source: "ssm.amazonaws.com", name: "GetParameter", weight: 18, readOnly: true, who: [nClasses]int{80, 5, 15, 0},
		params: func(c *ctWriter) { c.lit(`{"name":"`); c.str(appParam(c)); c.lit(`","withDecryption":true}`) }},
	{source: "ssm.amazonaws.com", name: "GetParameters", weight: 5, readOnly: true, who: [nClasses]int{70, 0, 30, 0},
		params: func(c *ctWriter) {
			c.lit(`{"names":[`)
			for i := range 1 + c.r.IntN(6) {
				if i > 0 {
					c.lit(`,`)
				}
				c.lit(`"`)
				c.str(appParam(c))
				c.lit(`"`)
			}
			c.lit(`],"withDecryption":true}`)
		}},
	{source: "ssm.amazonaws.com", name: "SendCommand", weight: 1, rare: true, who: [nClasses]int{0, 50, 50, 0},
		params: func(c *ctWriter) {
			c.lit(`{"instanceIds":["`)
			c.str(c.pick(c.a.insts))
			c.lit(`"],"documentName":"AWS-RunShellScript","parameters":"HIDDEN_DUE_TO_SECURITY_REASONS","interactive":false}`)
		},
		resp: func(c *ctWriter) {
			c.lit(`{"command":{"commandId":"`)
			c.uuid()
			c.lit(`","documentName":"AWS-RunShellScript","documentVersion":"$DEFAULT","comment":"","expiresAfter":"`)
			c.str(time.Unix(c.t+7200, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
			c.lit(`","parameters":"HIDDEN_DUE_TO_SECURITY_REASONS","instanceIds":[],"targets":[],"requestedDateTime":"`)
			c.str(time.Unix(c.t, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
			c.lit(`","status":"Pending","statusDetails":"Pending","outputS3Region":"`)
			c.str(c.region)
			c.lit(`","maxConcurrency":"50","maxErrors":"0","targetCount":1,"completedCount":0,"errorCount":0,"deliveryTimedOutCount":0,"serviceRole":"","notificationConfig":{"notificationArn":"","notificationEvents":[],"notificationType":""},"cloudWatchOutputConfig":{"cloudWatchLogGroupName":"","cloudWatchOutputEnabled":false},"timeoutSeconds":3600,"alarmConfiguration":{"ignorePollAlarmFailure":false,"alarms":[]},"triggeredAlarms":[]}}`)
		}},
	{source: "lambda.amazonaws.com", name: "ListFunctions20150331", weight: 4, readOnly: true, who: [nClasses]int{0, 30, 50, 20}},
	{source: "lambda.amazonaws.com", name: "GetFunction20150331v2", weight: 4, readOnly: true, who: [nClasses]int{0, 30, 60, 10},
		params: func(c *ctWriter) { c.lit(`{"functionName":"`); c.str(c.pick(c.a.fns)); c.lit(`"}`) }},
	{source: "lambda.amazonaws.com", name: "UpdateFunctionCode20150331v2", weight: 1, rare: true, who: [nClasses]int{0, 10, 90, 0},
		params: func(c *ctWriter) {
			c.s1 = c.pick(c.a.fns)
			c.lit(`{"functionName":"`)
			c.str(c.s1)
			c.lit(`","s3Bucket":"`)
			c.str(c.a.buckets[0])
			c.lit(`","s3Key":"lambda/`)
			c.str(c.s1)
			c.lit(`/`)
			c.rnd(hexChars, 40)
			c.lit(`.zip","publish":true,"dryRun":false}`)
		},
		resp: func(c *ctWriter) {
			c.lit(`{"functionName":"`)
			c.str(c.s1)
			c.lit(`","functionArn":"`)
			c.str(c.arn("lambda", "function:"+c.s1))
			c.lit(`","runtime":"python3.12","role":"arn:aws:iam::`)
			c.str(c.a.id)
			c.lit(`:role/service-role/`)
			c.str(c.s1)
			c.lit(`-role","handler":"app.handler","codeSize":`)
			c.num(10000 + c.r.IntN(5000000))
			c.lit(`,"description":"","timeout":30,"memorySize":512,"lastModified":"`)
			c.time(c.t)
			c.lit(`","codeSha256":"`)
			c.rnd(b64Chars, 43)
			c.lit(`=","version":"`)
			c.num(1 + c.r.IntN(300))
			c.lit(`","environment":{},"tracingConfig":{"mode":"PassThrough"},"revisionId":"`)
			c.uuid()
			c.lit(`","state":"Active","lastUpdateStatus":"InProgress","lastUpdateStatusReason":"The function is being created.","lastUpdateStatusReasonCode":"Creating","packageType":"Zip","architectures":["arm64"],"ephemeralStorage":{"size":512},"snapStart":{"applyOn":"None","optimizationStatus":"Off"},"loggingConfig":{"logFormat":"Text","logGroup":"/aws/lambda/`)
			c.str(c.s1)
			c.lit(`"}}`)
		}},
	{source: "logs.amazonaws.com", name: "CreateLogStream", weight: 25, who: [nClasses]int{60, 0, 0, 40},
		params: func(c *ctWriter) {
			c.lit(`{"logGroupName":"`)
			c.str(c.pick(c.a.groups))
			c.lit(`","logStreamName":"`)
			c.b = time.Unix(c.t, 0).UTC().AppendFormat(c.b, "2006/01/02")
			c.lit(`/[$LATEST]`)
			c.rnd(hexChars, 32)
			c.lit(`"}`)
		}},
	{source: "logs.amazonaws.com", name: "DescribeLogGroups", weight: 6, readOnly: true, who: [nClasses]int{10, 30, 40, 20},
		params: func(c *ctWriter) { c.lit(`{"logGroupNamePrefix":"/aws/lambda/","limit":50}`) }},
	{source: "logs.amazonaws.com", name: "FilterLogEvents", weight: 3, readOnly: true, who: [nClasses]int{0, 70, 30, 0},
		params: func(c *ctWriter) {
			c.lit(`{"logGroupName":"`)
			c.str(c.pick(c.a.groups))
			c.lit(`","startTime":`)
			c.b = strconv.AppendInt(c.b, (c.t-3600)*1000, 10)
			c.lit(`,"filterPattern":"ERROR","interleaved":true}`)
		}},
	{source: "monitoring.amazonaws.com", name: "DescribeAlarms", weight: 8, readOnly: true, who: [nClasses]int{10, 20, 40, 30},
		params: func(c *ctWriter) {
			c.lit(`{"alarmNamePrefix":"`)
			c.str(c.pick(appNames))
			c.lit(`-","maxRecords":100}`)
		}},
	{source: "monitoring.amazonaws.com", name: "GetMetricData", weight: 12, readOnly: true, who: [nClasses]int{10, 20, 70, 0},
		params: func(c *ctWriter) {
			c.lit(`{"metricDataQueries":[`)
			for i := range 1 + c.r.IntN(4) {
				if i > 0 {
					c.lit(`,`)
				}
				c.lit(`{"id":"m`)
				c.num(i)
				c.lit(`","metricStat":{"metric":{"namespace":"AWS/EC2","metricName":"CPUUtilization","dimensions":[{"name":"InstanceId","value":"`)
				c.str(c.pick(c.a.insts))
				c.lit(`"}]},"period":300,"stat":"Average"},"returnData":true}`)
			}
			c.lit(`],"startTime":"`)
			c.str(time.Unix(c.t-3600, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
			c.lit(`","endTime":"`)
			c.str(time.Unix(c.t, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
			c.lit(`"}`)
		}},
	{source: "dynamodb.amazonaws.com", name: "DescribeTable", weight: 12, readOnly: true, who: [nClasses]int{70, 5, 15, 10},
		params: func(c *ctWriter) {
			t := c.pick(c.a.tables)
			c.lit(`{"tableName":"`)
			c.str(t)
			c.lit(`"}`)
			c.resource("AWS::DynamoDB::Table", c.arn("dynamodb", "table/"+t), true)
		}},
	{source: "ecr.amazonaws.com", name: "GetAuthorizationToken", weight: 12, readOnly: true, who: [nClasses]int{70, 5, 25, 0}},
	{source: "elasticloadbalancing.amazonaws.com", name: "DescribeTargetHealth", weight: 8, readOnly: true, who: [nClasses]int{0, 10, 30, 60},
		params: func(c *ctWriter) {
			c.lit(`{"targetGroupArn":"`)
			c.str(c.arn("elasticloadbalancing", "targetgroup/"+c.pick(appNames)+"-tg/"))
			c.rnd(hexChars, 16)
			c.lit(`"}`)
		}},
}

func sgIngressParams(c *ctWriter) {
	c.lit(`{"groupId":"`)
	c.str(c.s1)
	c.lit(`","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":`)
	c.num(c.n1)
	c.lit(`,"toPort":`)
	c.num(c.n1)
	c.lit(`,"groups":{},"ipRanges":{"items":[{"cidrIp":"`)
	c.str(c.s2)
	c.lit(`"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`)
}

func sgIngressResp(c *ctWriter) {
	c.lit(`{"requestId":"`)
	c.uuid()
	c.lit(`","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"`)
	c.str(c.a.id)
	c.lit(`","groupId":"`)
	c.str(c.s1)
	c.lit(`","securityGroupRuleId":"sgr-0`)
	c.rnd(hexChars, 16)
	c.lit(`","isEgress":false,"ipProtocol":"tcp","fromPort":`)
	c.num(c.n1)
	c.lit(`,"toPort":`)
	c.num(c.n1)
	c.lit(`,"cidrIpv4":"`)
	c.str(c.s2)
	c.lit(`"}]}}`)
}

func accessKeyParams(c *ctWriter) {
	c.lit(`{"userName":"`)
	c.str(c.s1)
	c.lit(`"}`)
}

func accessKeyResp(c *ctWriter) {
	c.lit(`{"accessKey":{"userName":"`)
	c.str(c.s1)
	c.lit(`","accessKeyId":"AKIA`)
	c.rnd(upperChars, 16)
	c.lit(`","status":"Active","createDate":"`)
	c.str(time.Unix(c.t, 0).UTC().Format("Jan 2, 2006, 3:04:05 PM"))
	c.lit(`"}}`)
}

func attachUserPolicyParams(c *ctWriter) {
	c.lit(`{"userName":"`)
	c.str(c.s1)
	c.lit(`","policyArn":"`)
	c.str(c.s2)
	c.lit(`"}`)
}

func secretParams(c *ctWriter, secret string) {
	arn := c.arn("secretsmanager", "secret:"+secret)
	c.lit(`{"secretId":"`)
	c.str(arn)
	c.lit(`"}`)
	c.resource("AWS::SecretsManager::Secret", arn, true)
}

// userPrincipal returns the CLI principal of IAM user name.
func (c *ctWriter) userPrincipal(name string) *principal {
	for _, cls := range []int{clsHuman, clsCI} {
		for _, p := range c.a.cls[cls] {
			if p.typ == "IAMUser" && p.name == name && !p.console {
				return p
			}
		}
	}
	panic("BUG: no IAM user " + name)
}

// consoleLogin appends a ConsoleLogin record by p (a sign-in identity:
// no access key, no session) from ip. ok and mfa choose the outcome.
func (c *ctWriter) consoleLogin(p *principal, t int64, ip string, ok, mfa bool) {
	c.s1, c.s2, c.ip = "Success", "No", ip
	defer func() { c.ip = "" }()
	fail := failNone
	if !ok {
		c.s1, fail = "Failure", failLogin
	}
	if mfa {
		c.s2 = "Yes"
	}
	c.emit(&consoleLoginEvent, p, t, fail)
}

var consoleLoginEvent = ctEvent{source: "signin.amazonaws.com", name: "ConsoleLogin", global: true, typ: "AwsConsoleSignIn",
	resp: func(c *ctWriter) { c.lit(`{"ConsoleLogin":"`); c.str(c.s1); c.lit(`"}`) },
	extra: func(c *ctWriter) {
		c.lit(`,"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_`)
		c.str(c.region)
		c.lit(`_`)
		c.rnd(hexChars, 16)
		c.lit(`","MobileVersion":"No",`)
		if c.s2 == "Yes" {
			c.lit(`"MFAIdentifier":"`)
			if c.p.typ == "Root" {
				c.lit(`arn:aws:iam::`)
				c.str(c.a.id)
				c.lit(`:mfa/root-account-mfa-device`)
			} else {
				c.str("arn:aws:iam::" + c.a.id + ":mfa/" + c.p.name)
			}
			c.lit(`",`)
		}
		c.lit(`"MFAUsed":"`)
		c.str(c.s2)
		c.lit(`"}`)
	}}

// GenerateCloudTrailRecords returns an uncompressed {"Records":[…]} document
// of n background records (no planted attacks) of the first default
// account's home region, as [Generate] writes them: for in-memory parser
// benchmarks. The same seed and n give the same bytes.
func GenerateCloudTrailRecords(seed int64, n int) []byte {
	cfg := withDefaults(Config{Seed: seed})
	w := newWorld(cfg)
	j := job{kind: KindCloudTrail, t: cfg.Start.Unix() + 12*3600, seed: uint64(seed) ^ 0x5eed, count: n}
	c := ctWriter{w: w}
	b, _ := c.object(&j, nil)
	return b
}

// Planted CloudTrail events that the background never emits, or emits only
// with other parameters.
var (
	stopLoggingEvent = ctEvent{source: "cloudtrail.amazonaws.com", name: "StopLogging",
		params: trailNameParams}
	deleteTrailEvent = ctEvent{source: "cloudtrail.amazonaws.com", name: "DeleteTrail",
		params: trailNameParams}
	sgOpenEvent = ctEvent{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress",
		params: sgIngressParams, resp: sgIngressResp}
	accessKeyEvent = ctEvent{source: "iam.amazonaws.com", name: "CreateAccessKey", global: true,
		params: accessKeyParams, resp: accessKeyResp}
	attachUserPolicyEvent = ctEvent{source: "iam.amazonaws.com", name: "AttachUserPolicy", global: true,
		params: attachUserPolicyParams}
	publicAccessBlockOffEvent = ctEvent{source: "s3.amazonaws.com", name: "PutBucketPublicAccessBlock",
		params: func(c *ctWriter) {
			c.lit(`{"publicAccessBlock":"","bucketName":"`)
			c.str(c.s1)
			c.lit(`","PublicAccessBlockConfiguration":{"xmlns":"http://s3.amazonaws.com/doc/2006-03-01/","RestrictPublicBuckets":false,"BlockPublicPolicy":false,"BlockPublicAcls":false,"IgnorePublicAcls":false},"Host":"`)
			c.str(c.s1)
			c.lit(`.s3.amazonaws.com"}`)
			c.resource("AWS::S3::Bucket", "arn:aws:s3:::"+c.s1, true)
		}}
	deletePublicAccessBlockEvent = ctEvent{source: "s3.amazonaws.com", name: "DeleteBucketPublicAccessBlock",
		params: func(c *ctWriter) {
			c.lit(`{"publicAccessBlock":"","bucketName":"`)
			c.str(c.s1)
			c.lit(`","Host":"`)
			c.str(c.s1)
			c.lit(`.s3.amazonaws.com"}`)
			c.resource("AWS::S3::Bucket", "arn:aws:s3:::"+c.s1, true)
		}}
	getAccountSummaryEvent = ctEvent{source: "iam.amazonaws.com", name: "GetAccountSummary", global: true, readOnly: true}
	secretEvent            = ctEvent{source: "secretsmanager.amazonaws.com", name: "GetSecretValue", readOnly: true,
		params: func(c *ctWriter) { secretParams(c, c.s1) }}
)

func trailNameParams(c *ctWriter) {
	c.lit(`{"name":"`)
	c.str(c.arn("cloudtrail", "trail/"+digestTrailName))
	c.lit(`"}`)
}

// deniedProbes are the APIs of the AccessDenied burst: a stolen key
// enumerating what it may do.
var deniedProbes = []string{"ListUsers", "ListRoles", "GetRole", "DescribeInstances", "DescribeSecurityGroups", "ListBuckets",
	"DescribeTrails", "ListDetectors", "ListFunctions20150331", "DescribeLogGroups", "DescribeTable", "GetParameters", "Decrypt", "ListAttachedRolePolicies"}

func eventByName(name string) *ctEvent {
	for i := range ctEvents {
		if ctEvents[i].name == name {
			return &ctEvents[i]
		}
	}
	panic("BUG: no background event " + name)
}

// Attacker addresses come from networks the background never draws from.
var attackerNets = [...][2]byte{{185, 220}, {45, 155}, {193, 142}, {91, 240}, {94, 130}, {146, 70}}

func attackerIP(r *rand.Rand, net int) string {
	n := attackerNets[net]
	return strconv.Itoa(int(n[0])) + "." + strconv.Itoa(int(n[1])) + "." + strconv.Itoa(1+r.IntN(254)) + "." + strconv.Itoa(1+r.IntN(254))
}

// plantCloudTrail chooses objects for the CloudTrail attacks and records
// them. jobs[0] is always in the home region.
func (p *plan) plantCloudTrail(r *rand.Rand, w *world, jobs []job) {
	var home []int
	for i := range jobs {
		if jobs[i].region == 0 {
			home = append(home, i)
		}
	}
	add := func(name, rule string, global bool, records int, actor func(a *account, pl *plant) string) {
		ji := r.IntN(len(jobs))
		if global {
			ji = home[r.IntN(len(home))]
		}
		j := &jobs[ji]
		a := w.accounts[j.acct]
		// A minute wholly inside the object's event window.
		m := j.t - deliveryWindow + 60*(1+r.Int64N(4))
		pl := plant{attack: len(p.attacks), t: m}
		at := Attack{Name: name, Table: tableCloudTrail, Rule: rule, Account: a.id, Region: w.regionNames[j.region],
			Key: j.key, Time: time.Unix(m, 0).UTC(), Records: records}
		at.Actor = actor(a, &pl)
		p.attacks = append(p.attacks, at)
		j.plants = append(j.plants, pl)
	}
	ip := func(net int) func(a *account, pl *plant) string {
		return func(a *account, pl *plant) string { pl.s = attackerIP(r, net); return pl.s }
	}
	user := func(names []string) func(a *account, pl *plant) string {
		return func(a *account, pl *plant) string {
			pl.s = names[r.IntN(len(names))]
			pl.ip = attackerIP(r, r.IntN(len(attackerNets)))
			return "arn:aws:iam::" + a.id + ":user/" + pl.s
		}
	}
	for range 3 {
		add(AttackConsoleLoginNoMFA, ruleConsoleLoginNoMFA, true, 1, func(a *account, pl *plant) string {
			pl.k = r.IntN(len(a.logins))
			return ip(0)(a, pl)
		})
	}
	add(AttackConsoleLoginFailures, ruleConsoleLoginFailures, true, 25, ip(1))
	add(AttackRootActivity, ruleRootActivity, true, 5, func(a *account, pl *plant) string {
		pl.s = attackerIP(r, 2)
		return "arn:aws:iam::" + a.id + ":root"
	})
	add(AttackTrailTampering, ruleTrailTampering, false, 2, user(ciUsers))
	for range 2 {
		add(AttackSGOpenSSH, ruleSGOpenSSH, false, 1, user(people[:5]))
	}
	add(AttackAccessKeyOtherUser, ruleAccessKeyOtherUser, true, 1, func(a *account, pl *plant) string {
		pl.k = r.IntN(5) // target: one of the people
		return user(ciUsers)(a, pl)
	})
	add(AttackAdminPolicyAttached, ruleAdminPolicyAttached, true, 1, user(ciUsers))
	for k := range 2 {
		add(AttackPublicAccessBlockOff, rulePublicAccessBlockOff, false, 1, func(a *account, pl *plant) string {
			pl.k = k
			return user(ciUsers)(a, pl)
		})
	}
	add(AttackSecretsBurst, ruleSecretsBurst, false, 40, func(a *account, pl *plant) string {
		pl.s = appNames[r.IntN(len(appNames))] + "-ec2-role"
		pl.ip = attackerIP(r, 3)
		// A fresh session the background never uses: stolen instance
		// credentials replayed from outside.
		return "arn:aws:sts::" + a.id + ":assumed-role/" + pl.s + "/" + string(appendRandChars([]byte("i-0"), r, hexChars, 16))
	})
	add(AttackAccessDeniedBurst, ruleAccessDeniedBurst, true, 60, func(a *account, pl *plant) string {
		pl.s = "contractor-tmp"
		pl.ip = attackerIP(r, 3)
		return "arn:aws:iam::" + a.id + ":user/" + pl.s
	})
}

// plant appends the records of one planted attack.
func (c *ctWriter) plant(pl *plant, at *Attack) {
	defer func() { c.ip = "" }()
	a := c.a
	r := c.r
	switch at.Name {
	case AttackConsoleLoginNoMFA:
		c.consoleLogin(a.logins[pl.k], pl.t+r.Int64N(60), at.Actor, true, false)
	case AttackConsoleLoginFailures:
		for i := range at.Records {
			var p *principal
			if i%3 == 2 {
				p = &principal{typ: "IAMUser", identA: []byte(`{"type":"IAMUser","principalId":"","accountId":"` + a.id + `","accessKeyId":"","userName":"HIDDEN_DUE_TO_SECURITY_REASONS"}`), uas: browserUA}
			} else {
				p = a.logins[i%len(a.logins)]
			}
			c.consoleLogin(p, pl.t+int64(i*60/at.Records), at.Actor, false, false)
		}
	case AttackRootActivity:
		login := &principal{typ: "Root", arn: at.Actor, uas: browserUA,
			identA: []byte(`{"type":"Root","principalId":"` + a.id + `","arn":"` + at.Actor + `","accountId":"` + a.id + `","accessKeyId":""}`)}
		c.consoleLogin(login, pl.t, pl.s, true, true)
		b := []byte(`{"type":"Root","principalId":"` + a.id + `","arn":"` + at.Actor + `","accountId":"` + a.id + `","accessKeyId":"ASIA`)
		b = appendRandChars(b, r, upperChars, 16)
		b = append(b, `","sessionContext":{"sessionIssuer":{},"webIdFederationData":{},"attributes":{"creationDate":"`...)
		root := &principal{typ: "Root", arn: at.Actor, identA: b, identB: []byte(`","mfaAuthenticated":"true"}}}`),
			uas: []string{"AWS Internal"}, console: true}
		for i, ev := range []*ctEvent{&getAccountSummaryEvent, eventByName("ListUsers"), eventByName("ListRoles"), eventByName("ListBuckets")} {
			c.ip = pl.s
			c.emit(ev, root, pl.t+int64(5+10*i), failNone)
		}
	case AttackTrailTampering:
		p := c.userPrincipal(pl.s)
		c.ip = pl.ip
		c.emit(&stopLoggingEvent, p, pl.t+r.Int64N(20), failNone)
		c.ip = pl.ip
		c.emit(&deleteTrailEvent, p, pl.t+30+r.Int64N(20), failNone)
	case AttackSGOpenSSH:
		c.s1, c.s2, c.n1 = c.pick(a.sgs), "0.0.0.0/0", 22
		c.ip = pl.ip
		c.emit(&sgOpenEvent, c.userPrincipal(pl.s), pl.t+r.Int64N(60), failNone)
	case AttackAccessKeyOtherUser:
		c.s1 = people[pl.k]
		if c.s1 == pl.s {
			panic("BUG: access key for the caller itself")
		}
		c.ip = pl.ip
		c.emit(&accessKeyEvent, c.userPrincipal(pl.s), pl.t+r.Int64N(60), failNone)
	case AttackAdminPolicyAttached:
		c.s1, c.s2 = pl.s, "arn:aws:iam::aws:policy/AdministratorAccess"
		c.ip = pl.ip
		c.emit(&attachUserPolicyEvent, c.userPrincipal(pl.s), pl.t+r.Int64N(60), failNone)
	case AttackPublicAccessBlockOff:
		ev := &publicAccessBlockOffEvent
		if pl.k == 1 {
			ev = &deletePublicAccessBlockEvent
		}
		c.s1 = c.pick(a.buckets)
		c.ip = pl.ip
		c.emit(ev, c.userPrincipal(pl.s), pl.t+r.Int64N(60), failNone)
	case AttackSecretsBurst:
		session := at.Actor[strings.LastIndexByte(at.Actor, '/')+1:]
		p := assumedRole(r, a.id, "", pl.s, session, "false", "2.0")
		p.uas = []string{"aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#kali.2024 md/prompt#off md/command#"}
		for i := range at.Records {
			c.s1 = a.secrets[i%len(a.secrets)]
			c.ip = pl.ip
			c.emit(&secretEvent, p, pl.t+int64(i*60/at.Records), failNone)
		}
	case AttackAccessDeniedBurst:
		p := iamUser(r, a.id, pl.s, false)
		p.uas = cliUA
		for i := range at.Records {
			c.ip = pl.ip
			c.emit(eventByName(deniedProbes[i%len(deniedProbes)]), p, pl.t+int64(i*60/at.Records), failDenied)
		}
	default:
		panic("BUG: unknown CloudTrail attack " + at.Name)
	}
}

// appParam picks the SSM parameter a GetParameter(s) call reads: an app's
// own (its config and feature flags, as real workloads read), anyone else's
// at random. Apps reading every app's parameters would look like the
// bulk-decryption pattern the hunts look for.
func appParam(c *ctWriter) string {
	if len(c.p.secrets) > 0 {
		return c.a.params[c.p.secrets[c.r.IntN(len(c.p.secrets))]]
	}
	return c.pick(c.a.params)
}
