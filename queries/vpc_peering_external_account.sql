-- id: vpc_peering_external_account
-- title: VPC peering with another account requested or accepted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0010, TA0008
-- techniques: T1599, T1537
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A VPC peering connection to a VPC of another account was requested, or one requested
--   by another account accepted: once routes exist, that account's network reaches ours directly,
--   for exfiltration or lateral movement that no internet-facing control sees. Only successful calls
--   count. Dedup: one finding per account, resource, actor per day. Benign look-alikes: peering
--   between this account's own VPCs (no peerOwnerId, or this account) is not reported; peering with
--   your shared-services or partner accounts is, so list them.
-- remediation: Check the peer account; otherwise delete the peering connection (ec2
--   delete-vpc-peering-connection) and the routes to it, and review flow logs of the peered subnets.
-- references: https://attack.mitre.org/techniques/T1599/
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.vpcId'), json_extract_scalar(requestparameters, '$.vpcPeeringConnectionId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND errorcode IS NULL
  AND ((eventname = 'CreateVpcPeeringConnection'
        AND coalesce(json_extract_scalar(requestparameters, '$.peerOwnerId'), recipientaccountid) <> recipientaccountid)
       OR (eventname = 'AcceptVpcPeeringConnection'
           AND coalesce(json_extract_scalar(responseelements, '$.vpcPeeringConnection.requesterVpcInfo.ownerId'), recipientaccountid) <> recipientaccountid))
