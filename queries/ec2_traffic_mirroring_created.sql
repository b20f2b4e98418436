-- id: ec2_traffic_mirroring_created
-- title: EC2 traffic mirroring set up
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0009, TA0006
-- techniques: T1040
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A traffic mirror session or target was created: every packet of a network interface
--   is copied to another interface or load balancer, where an attacker can sniff credentials and
--   data (packet capture in the cloud). Only successful calls count. Dedup: one finding per account,
--   resource, actor per day. Benign look-alikes: describing, deleting and filter-rule changes are
--   not reported; network monitoring appliances set up by the network team are, so list their
--   targets.
-- remediation: Check the target against the network team's monitoring; otherwise delete the session
--   and target (ec2 delete-traffic-mirror-session) and treat traffic of the source interface as
--   exposed.
-- references: https://attack.mitre.org/techniques/T1040/
-- references: https://docs.aws.amazon.com/vpc/latest/mirroring/what-is-traffic-mirroring.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.CreateTrafficMirrorSessionRequest.NetworkInterfaceId'), json_extract_scalar(requestparameters, '$.CreateTrafficMirrorTargetRequest.NetworkInterfaceId'), json_extract_scalar(requestparameters, '$.CreateTrafficMirrorTargetRequest.NetworkLoadBalancerArn'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname IN ('CreateTrafficMirrorSession', 'CreateTrafficMirrorTarget')
  AND errorcode IS NULL
