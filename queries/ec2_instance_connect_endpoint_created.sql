-- id: ec2_instance_connect_endpoint_created
-- title: EC2 Instance Connect Endpoint created
-- severity: LOW
-- table: cloudtrail
-- tactics: TA0008, TA0003
-- techniques: T1021.008
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An EC2 Instance Connect Endpoint was created in a subnet: anyone with IAM rights can
--   now open SSH or RDP to private instances in that VPC without a bastion or public address, a path
--   attackers set up for lateral movement. Only successful calls count. Dedup: one finding per
--   account, resource, actor per day. Benign look-alikes: describing and deleting endpoints is not
--   reported; the platform team replacing bastions with endpoints is, so check the change records.
-- remediation: Confirm who needs the endpoint; otherwise delete it (ec2
--   delete-instance-connect-endpoint) and review OpenTunnel calls through it.
-- references: https://attack.mitre.org/techniques/T1021/008/
-- references: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/connect-using-eice.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.CreateInstanceConnectEndpointRequest.SubnetId'), json_extract_scalar(requestparameters, '$.subnetId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'CreateInstanceConnectEndpoint'
  AND errorcode IS NULL
